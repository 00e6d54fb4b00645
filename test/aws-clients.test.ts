import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AccountClients, type ClientConfig } from "../aws/clients.js";

/** A stand-in for an SDK client: keeps the config it was made with and counts its destroy calls. */
class FakeEc2 {
  destroyed = 0;
  readonly config: ClientConfig & { credentials?: object };
  // Like an SDK client's, every field of the config is optional to the constructor.
  constructor(config: object) {
    this.config = config as ClientConfig & { credentials?: object };
  }
  destroy() {
    this.destroyed++;
  }
}
class FakeRds extends FakeEc2 {}

describe("an executor's clients: one per service, for its account and region", () => {
  const credentials = { accessKeyId: "AKIA", secretAccessKey: "secret", sessionToken: "token" };
  const place = { aws: { endpointUrl: "http://127.0.0.1:1" }, region: "eu-west-1", credentials };

  test("a service's client is made once, with the account's credentials, region and endpoint", () => {
    const clients = new AccountClients(place);
    const ec2 = clients.get(FakeEc2);
    assert.equal(clients.get(FakeEc2), ec2, "the same EC2 client for every item of the account and region");
    assert.equal(ec2.config.region, "eu-west-1");
    assert.equal(ec2.config.endpoint, "http://127.0.0.1:1");
    assert.deepEqual(ec2.config.credentials, credentials);
    const rds = clients.get(FakeRds);
    assert.ok(rds instanceof FakeRds);
    assert.notEqual(rds as FakeEc2, ec2, "another service gets its own client");
    assert.deepEqual(rds.config.credentials, credentials);
  });

  test("without assumed credentials, no credentials are set (the SDK's default chain)", () => {
    const clients = new AccountClients({ aws: {}, region: "us-east-2" });
    const ec2 = clients.get(FakeEc2);
    assert.equal("credentials" in ec2.config, false);
    assert.equal(ec2.config.region, "us-east-2");
  });

  test("destroy closes every client made, once, and a later get makes a fresh one", () => {
    const clients = new AccountClients(place);
    const ec2 = clients.get(FakeEc2);
    const rds = clients.get(FakeRds);
    clients.destroy();
    assert.deepEqual([ec2.destroyed, rds.destroyed], [1, 1]);
    assert.notEqual(clients.get(FakeEc2), ec2);
    assert.equal(ec2.destroyed, 1);
  });
});
