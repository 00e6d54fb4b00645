/**
 * The demo estate's ECR pages for one account and region: DescribeRepositories (maxResults 1000,
 * nextToken), and for each repository GetLifecyclePolicy (the LifecyclePolicyNotFoundException error
 * when it has none), ListTagsForResource and DescribeImages (maxResults 1000, nextToken), each with the
 * repository's name as its part. Only images pushed by the replay's instant are listed.
 */
import type { EcrRepository } from "./estate.js";
import {
  apiError,
  compare,
  isoOf,
  type PageWriter,
  paginate,
  type ScopeOf,
  tagList,
} from "./replay-pages.js";

export async function writeEcrPages(
  writer: PageWriter,
  scope: ScopeOf,
  repositories: EcrRepository[],
  at: number,
  size: (apiMaximum: number) => number,
): Promise<void> {
  const sorted = [...repositories].sort((a, b) => compare(a.name, b.name));
  await writer.page(
    scope("ecr", "DescribeRepositories"),
    paginate(sorted.map(repositoryJson), size(1000), (repositories, nextToken) => ({
      repositories,
      ...(nextToken ? { nextToken } : {}),
    })),
  );
  for (const repo of sorted) {
    await writer.page(scope("ecr", "GetLifecyclePolicy", repo.name), [
      repo.lifecyclePolicy === null
        ? apiError(
            "LifecyclePolicyNotFoundException",
            `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${repo.account}'`,
          )
        : {
            registryId: repo.account,
            repositoryName: repo.name,
            lifecyclePolicyText: repo.lifecyclePolicy,
            lastEvaluatedAt: new Date(at).toISOString(),
          },
    ]);
    await writer.page(scope("ecr", "ListTagsForResource", repo.name), [{ tags: tagList(repo.tags) }]);
    const images = repo.images.filter((i) => Date.parse(i.pushedAt) <= at);
    await writer.page(
      scope("ecr", "DescribeImages", repo.name),
      paginate(
        images.map((i) => ({
          registryId: repo.account,
          repositoryName: repo.name,
          imageDigest: i.digest,
          imageTags: i.tags,
          imageSizeInBytes: i.sizeBytes,
          imagePushedAt: isoOf(i.pushedAt),
          imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json",
          artifactMediaType: "application/vnd.docker.container.image.v1+json",
        })),
        size(1000),
        (imageDetails, nextToken) => ({ imageDetails, ...(nextToken ? { nextToken } : {}) }),
      ),
    );
  }
}

function repositoryJson(r: EcrRepository): object {
  return {
    repositoryArn: r.arn,
    registryId: r.account,
    repositoryName: r.name,
    repositoryUri: `${r.account}.dkr.ecr.${r.region}.amazonaws.com/${r.name}`,
    createdAt: isoOf(r.createdAt),
    imageTagMutability: "MUTABLE",
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: "AES256" },
  };
}
