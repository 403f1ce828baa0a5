/** The associated data binding sealed values to their rows: a value moved to another row does not open. */
export function accountSealingContext(accountId: string, installId: string): string {
  return `account:${accountId}:${installId}`;
}

export function flowSealingContext(flowId: string): string {
  return `flow:${flowId}`;
}
