/** An AWS SDK error as one line: its name (the API's error code) and message. */
export function describeAwsError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** The error name the AWS SDK gives an API error (its error code). */
export function awsErrorCode(error: unknown): string {
  return error instanceof Error ? error.name : "";
}

/** The error codes AWS services answer a caller its IAM policy does not allow with. */
const ACCESS_DENIED =
  /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnauthorizedAccess|AuthorizationError|AuthorizationErrorException|NotAuthorized)$/;

/** Whether the error is AWS refusing the call for want of permission. */
export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.test(awsErrorCode(error));
}
