import { z } from "zod";

// rules.yaml's kubernetes section: the clusters whose API servers the Kubernetes collectors read
// (collectors/kubernetes), and how each is reached.

/** An EKS cluster name, as its node and pod ids carry it (resources/k8s-node.ts, k8s-pod.ts). */
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const clusterSchema = z
  .strictObject({
    /** The cluster's name: its nodes' and pods' ids carry it (arn:aws:eks:REGION:ACCOUNT:pod/NAME/...). */
    name: z.string().regex(CLUSTER_NAME, "a cluster name: letters, digits, - and _"),
    /** The AWS account and region the cluster runs in: its nodes' and pods' account and region. */
    account: z.string().regex(/^\d{12}$/, "a 12-digit AWS account id"),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "an AWS region like us-east-1"),
    /** A kubeconfig file (its exec plugins, `aws eks get-token`, run as kubectl runs them). */
    kubeconfig: z.string().min(1).optional(),
    /** The kubeconfig's context for this cluster; absent: the file's current-context. */
    context: z.string().min(1).optional(),
    /** Reach the API server with the pod's own service account (finops running in this cluster). */
    inCluster: z.boolean().optional(),
  })
  .superRefine((cluster, ctx) => {
    if (cluster.inCluster && cluster.kubeconfig !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["kubeconfig"],
        message: "either kubeconfig (with context) or inCluster: true, not both",
      });
    } else if (!cluster.inCluster && cluster.kubeconfig === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["kubeconfig"],
        message: "required: a kubeconfig file (with context), or inCluster: true",
      });
    }
    if (cluster.inCluster && cluster.context !== undefined) {
      ctx.addIssue({ code: "custom", path: ["context"], message: "a context belongs to a kubeconfig" });
    }
  });
export type KubernetesCluster = z.infer<typeof clusterSchema>;

export const kubernetesSchema = z
  .strictObject({
    /** The clusters to collect nodes and pods from; empty: no Kubernetes collection. */
    clusters: z.array(clusterSchema).default([]),
    /** How many objects one list call asks for (`limit`); the rest come page by page (`continue`). */
    pageSize: z.number().int().min(1).max(10_000).default(500),
    /** Seconds one list call may take before the collector gives up on the cluster. */
    requestTimeoutSeconds: z.number().min(1).max(3600).default(60),
  })
  .superRefine((section, ctx) => {
    const seen = new Map<string, number>();
    section.clusters.forEach((cluster, index) => {
      const key = `${cluster.account}/${cluster.region}/${cluster.name}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["clusters", index, "name"],
          message: `duplicate cluster ${cluster.name} in ${cluster.account} ${cluster.region} (also clusters[${earlier}])`,
        });
      }
      seen.set(key, index);
    });
  });
