import {
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  DescribeRepositoriesCommand,
  type DescribeRepositoriesCommandOutput,
  ECRClient,
  GetLifecyclePolicyCommand,
  type GetLifecyclePolicyCommandOutput,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
  type Repository,
} from "@aws-sdk/client-ecr";
import { clientFor } from "../../aws/clients.js";
import { ecrRepository } from "../../resources/ecr-repository.js";
import { allPages, errorName, mapLimit, onePage } from "./calls.js";
import {
  type CollectScope,
  type InventoryCollector,
  iso,
  type ResourceRecord,
  tagObject,
} from "./resource.js";

/** How many repositories are looked at (policy, images, tags) at once. */
const REPOSITORY_CONCURRENCY = 8;

/** ECR private repositories of a region: whether a lifecycle policy exists, image count and bytes, tags. */
export const ecrRepositories: InventoryCollector = {
  name: "inventory:ecr-repositories",
  resource: ecrRepository,
  scope: "regional",
  iamActions: [
    "ecr:DescribeRepositories",
    "ecr:GetLifecyclePolicy",
    "ecr:DescribeImages",
    "ecr:ListTagsForResource",
  ],
  async collect(scope) {
    const client = clientFor(ECRClient, scope);
    try {
      const listed = await allPages<DescribeRepositoriesCommandOutput>(
        scope,
        { account: scope.account, region: scope.region, service: "ecr", operation: "DescribeRepositories" },
        async (token) => {
          const page = await client.send(
            new DescribeRepositoriesCommand({ maxResults: 1000, nextToken: token }),
          );
          return { page, next: page.nextToken };
        },
      );
      const repositories = listed
        .flatMap((page) => page.repositories ?? [])
        .filter((r) => r.repositoryName && r.repositoryArn);
      const records = await mapLimit(repositories, REPOSITORY_CONCURRENCY, async (repository) => {
        try {
          return await repositoryRecord(scope, client, repository);
        } catch (error) {
          // Deleted since it was listed: no longer part of the inventory.
          if (errorName(error) === "RepositoryNotFoundException") return null;
          throw error;
        }
      });
      return records.filter((record): record is ResourceRecord => record !== null);
    } finally {
      client.destroy();
    }
  },
};

/** One repository's record: whether it has a lifecycle policy, its images' count and bytes, its tags. */
async function repositoryRecord(
  scope: CollectScope,
  client: ECRClient,
  repository: Repository,
): Promise<ResourceRecord> {
  const name = repository.repositoryName as string;
  const arn = repository.repositoryArn as string;
  const at = (operation: string) => ({
    account: scope.account,
    region: scope.region,
    service: "ecr",
    operation,
    part: name,
  });
  let hasLifecyclePolicy = true;
  try {
    await onePage<GetLifecyclePolicyCommandOutput>(scope, at("GetLifecyclePolicy"), async () => ({
      page: await client.send(new GetLifecyclePolicyCommand({ repositoryName: name })),
    }));
  } catch (error) {
    if (errorName(error) !== "LifecyclePolicyNotFoundException") throw error;
    hasLifecyclePolicy = false;
  }
  const images = (
    await allPages<DescribeImagesCommandOutput>(scope, at("DescribeImages"), async (token) => {
      const page = await client.send(
        new DescribeImagesCommand({ repositoryName: name, maxResults: 1000, nextToken: token }),
      );
      return { page, next: page.nextToken };
    })
  ).flatMap((page) => page.imageDetails ?? []);
  const tagged = await onePage<ListTagsForResourceCommandOutput>(
    scope,
    at("ListTagsForResource"),
    async () => ({
      page: await client.send(new ListTagsForResourceCommand({ resourceArn: arn })),
    }),
  );
  return {
    resourceId: arn,
    resourceType: ecrRepository.type,
    account: scope.account,
    region: scope.region,
    state: null,
    stateSince: null,
    createdAt: iso(repository.createdAt),
    tags: tagObject(tagged?.tags),
    attributes: {
      name,
      hasLifecyclePolicy,
      imageCount: images.length,
      imageBytes: images.reduce((sum, image) => sum + (image.imageSizeInBytes ?? 0), 0),
    },
  };
}
