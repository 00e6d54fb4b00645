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
