import {
  ApiException,
  type ConfigurationOptions,
  CoreV1Api,
  KubeConfig,
  Observable,
  type V1ListMeta,
} from "@kubernetes/client-node";
import type { PageSource } from "../../aws/pages.js";
import type { KubernetesCluster } from "../../config/schema.js";
import type { ResourceDescriptor } from "../../resources/types.js";
import type { ResourceRecord } from "../inventory/resource.js";

/**
 * The record folder's service word for API server pages:
 * DIR/ACCOUNT/REGION/kubernetes/OPERATION/CLUSTER/page-0001.json, beside the AWS services' pages.
 */
export const KUBERNETES_SERVICE = "kubernetes";

/** A cluster as its nodes' and pods' ids name it. */
export interface ClusterName {
  name: string;
  account: string;
  region: string;
}

/** What a Kubernetes collector works with for one cluster. */
export interface ClusterScope {
  cluster: ClusterName;
  /** The cluster's core API, made on first use: a replay never calls it. */
  api: () => CoreV1Api;
  pages: PageSource;
  /** Objects asked per list call (`limit`). */
  pageSize: number;
  /** How long one list call may take. */
  requestTimeoutMs: number;
  now: Date;
}

/** One rule of a Kubernetes ClusterRole (rbac.authorization.k8s.io/v1 PolicyRule). */
export interface RbacRule {
  apiGroups: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
}

export interface KubernetesCollector {
  /** Its name in `collect --json` and collector_runs, e.g. "inventory:kubernetes-nodes". */
  name: string;
  resource: ResourceDescriptor;
  /** What its API calls need: `finops iam-policy --role kubernetes` builds the ClusterRole from these. */
  rbac: readonly RbacRule[];
  collect(scope: ClusterScope): Promise<ResourceRecord[]>;
}

/** The permissions as people grant them: "list pods". */
export function describeRbac(rules: readonly RbacRule[]): string {
  return rules.map((rule) => `${rule.verbs.join("/")} ${rule.resources.join(", ")}`).join("; ");
}

/**
 * The core API of a configured cluster, through its kubeconfig context or the pod's service account.
 * The official client reads the kubeconfig as kubectl does (exec plugins such as `aws eks get-token`,
 * client certificates, the cluster's CA); anything missing is said here, naming the file and context.
 */
export function coreApiFor(cluster: KubernetesCluster): CoreV1Api {
  const config = new KubeConfig();
  if (cluster.inCluster) {
    if (!process.env.KUBERNETES_SERVICE_HOST) {
      throw new Error(
        "inCluster: KUBERNETES_SERVICE_HOST is not set: finops is not running in a pod (configure a kubeconfig instead)",
      );
    }
    config.loadFromCluster();
    return config.makeApiClient(CoreV1Api);
  }
  const file = cluster.kubeconfig ?? "";
  try {
    config.loadFromFile(file);
  } catch (error) {
    throw new Error(`kubeconfig ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (cluster.context !== undefined) {
    if (!config.getContextObject(cluster.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new Error(
        `kubeconfig ${file} has no context "${cluster.context}" (it has: ${known.join(", ") || "none"})`,
      );
    }
    config.setCurrentContext(cluster.context);
  }
  if (!config.getCurrentCluster()) {
    throw new Error(
      `kubeconfig ${file}: context "${config.getCurrentContext()}" names no cluster (set context in rules.yaml)`,
    );
  }
  return config.makeApiClient(CoreV1Api);
}

/** An error the API server answered with: its Status reason as the name (Forbidden), recorded and replayed as such. */
export class KubernetesApiError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The Status reasons of the HTTP codes an API server answers a list with, for answers without a Status. */
const REASONS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  410: "Expired",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
};

/** The client's ApiException as the API server's Status said it; other errors as they are. */
function fromApiException(error: unknown): unknown {
  if (!(error instanceof ApiException)) return error;
  let status: { reason?: unknown; message?: unknown } = {};
  try {
    status = typeof error.body === "string" ? JSON.parse(error.body) : (error.body ?? {});
  } catch {
    // Not a Status object (a proxy's HTML page): the HTTP code says enough.
  }
  // The client keeps no body for a 401: its reason and the client's words say it.
  const reason =
    typeof status.reason === "string" && status.reason
      ? status.reason
      : (REASONS[error.code] ?? `HTTP${error.code}`);
  const message =
    typeof status.message === "string"
      ? status.message
      : error.code === 401
        ? "Unauthorized"
        : "no Status in the answer";
  return new KubernetesApiError(reason, `${message} (HTTP ${error.code})`);
}

/** The API server's or the transport's failure in one line: fetch's "fetch failed" with its cause. */
export function describeKubernetesError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.name}: ${error.message}${cause}`;
}

/** A call's options that abort it after `ms` (the client's own transport waits 5 minutes for an answer). */
function timeout(ms: number): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(context));
        },
        post: (context) => new Observable(Promise.resolve(context)),
      },
    ],
    middlewareMergeStrategy: "append",
  };
}

interface ListPage<T> {
  items: T[];
  metadata?: V1ListMeta;
}

/**
 * Every object of one list call, page by page: `limit` objects a page, then the `continue` token the API
 * server returned, until it returns none. Pages go through the page source: recorded, and replayed without
 * the cluster. The API server's refusals become KubernetesApiErrors named by its Status reason.
 */
export async function listAll<T>(
  scope: ClusterScope,
  operation: string,
  list: (
    api: CoreV1Api,
    request: { limit: number; _continue?: string },
    options: ConfigurationOptions,
  ) => Promise<ListPage<T>>,
): Promise<T[]> {
  const { name, account, region } = scope.cluster;
  const items: T[] = [];
  const pages = scope.pages.pages<ListPage<T>>(
    { account, region, service: KUBERNETES_SERVICE, operation, part: name },
    async (token) => {
      try {
        const request = { limit: scope.pageSize, ...(token ? { _continue: token } : {}) };
        const page = await list(scope.api(), request, timeout(scope.requestTimeoutMs));
        return { page, next: page.metadata?._continue };
      } catch (error) {
        if (error instanceof Error && error.name === "TimeoutError") {
          throw new KubernetesApiError(
            "Timeout",
            `${operation}: no answer within ${scope.requestTimeoutMs / 1000} s`,
          );
        }
        throw fromApiException(error);
      }
    },
  );
  for await (const page of pages) items.push(...(page.items ?? []));
  return items;
}
