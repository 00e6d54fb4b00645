/**
 * The demo estate's caller pages, recorded once for the whole folder: STS GetCallerIdentity (the
 * collector runs as a user of the payer account) and Organizations ListAccounts (the payer and its
 * member accounts).
 */
import { DAY_MS, type Estate } from "./estate.js";
import { hash32 } from "./random.js";
import { hexOf, isoMs, type PageWriter } from "./replay-pages.js";

/** Writes the caller's GetCallerIdentity and ListAccounts pages. */
export async function writeCallerPages(writer: PageWriter, estate: Estate): Promise<void> {
  await writer.page({ account: "caller", region: "global", service: "sts", operation: "GetCallerIdentity" }, [
    callerIdentity(estate),
  ]);
  await writer.page(
    { account: "caller", region: "global", service: "organizations", operation: "ListAccounts" },
    [listAccounts(estate)],
  );
}

function callerIdentity(estate: Estate): object {
  const payer = estate.organization.payerAccountId;
  return {
    UserId: `AIDA${hexOf(`${payer}|user`, 17).toUpperCase()}`,
    Account: payer,
    Arn: `arn:aws:iam::${payer}:user/finops-collector`,
  };
}

function listAccounts(estate: Estate): object {
  const org = estate.organization;
  const orgId = `o-${hexOf(`${org.payerAccountId}|org`, 10)}`;
  const member = (id: string, name: string) => ({
    Id: id,
    Arn: `arn:aws:organizations::${org.payerAccountId}:account/${orgId}/${id}`,
    Email: `aws+${name}@northwind.example`,
    Name: name,
    Status: "ACTIVE",
    JoinedMethod: id === org.payerAccountId ? "INVITED" : "CREATED",
    JoinedTimestamp: isoMs(Date.parse("2019-03-04T10:00:00Z") + (hash32(id) % 400) * DAY_MS),
  });
  return {
    Accounts: [
      member(org.payerAccountId, org.payerName),
      ...estate.accounts.map((a) => member(a.id, `northwind-${a.name}`)),
    ],
  };
}
