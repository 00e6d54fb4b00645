/** How every AWS client of a run is configured: region, emulator endpoint, retries. */
export interface AwsOptions {
  /** The region for regional clients when none is named (the SDK default chain otherwise). */
  region?: string;
  /** Send every call to this AWS-compatible endpoint (an emulator such as moto). */
  endpointUrl?: string;
}

export interface ClientConfig {
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  retryMode: "adaptive";
  maxAttempts: number;
}

/** Credentials for one account (an assumed role's); where absent, the SDK's default chain is used. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export function clientConfig(options: AwsOptions, region?: string): ClientConfig {
  const resolvedRegion = region ?? options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return {
    ...(resolvedRegion ? { region: resolvedRegion } : { region: "us-east-1" }),
    ...(options.endpointUrl
      ? // Emulators serve every bucket from one host, not from bucket.host subdomains.
        { endpoint: options.endpointUrl, forcePathStyle: true }
      : {}),
    // Adaptive retry backs off on throttling instead of failing a whole collection.
    retryMode: "adaptive",
    // AWS_MAX_ATTEMPTS, the SDK's own setting, still wins where it is set.
    maxAttempts: Number(process.env.AWS_MAX_ATTEMPTS) || 6,
  };
}

/** An AWS SDK v3 client class (EC2Client, S3Client, RDSClient, ...). */
export type ClientClass<C> = new (config: object) => C;

/** Where a client works: the run's options, an account's credentials (undefined: the default chain), a region. */
export interface ClientPlace {
  aws: AwsOptions;
  region: string;
  credentials?: AwsCredentials | undefined;
}

/** An SDK client for the place's account (its assumed-role credentials) and region. */
export function clientFor<C>(Client: ClientClass<C>, place: ClientPlace, region = place.region): C {
  return new Client({
    ...clientConfig(place.aws, region),
    ...(place.credentials ? { credentials: place.credentials } : {}),
  });
}

/** What every SDK v3 client has: a way to close its connections. */
export interface AwsClient {
  destroy(): void;
}

/**
 * The clients of one account and region, one per service, created on first use and shared by every
 * caller (an apply's items in that account and region): `clients.get(EC2Client)`, `clients.get(RDSClient)`.
 */
export class AccountClients {
  private readonly clients = new Map<ClientClass<AwsClient>, AwsClient>();

  constructor(private readonly place: ClientPlace) {}

  get<C extends AwsClient>(Client: ClientClass<C>): C {
    let client = this.clients.get(Client);
    if (!client) {
      client = clientFor(Client, this.place);
      this.clients.set(Client, client);
    }
    return client as C;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
