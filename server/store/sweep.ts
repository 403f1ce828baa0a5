/** A flow stuck in `completing` (its companion died mid-exchange) is dropped this long after its expiry. */
export const STUCK_COMPLETION_MS = 5 * 60 * 1000;
/** An install that only ever proved its key, with no flow or account, is forgotten after a day. */
export const IDLE_INSTALL_MS = 24 * 60 * 60 * 1000;

/** $1 = now, $2 = now - STUCK_COMPLETION_MS. Written once for both stores. */
export const SWEEP_FLOWS_SQL = `DELETE FROM flows
  WHERE (state IN ('pending', 'interrupted') AND expires_at < $1) OR (state = 'completing' AND expires_at < $2)`;

/**
 * $1 = claimed before this: flows whose completion a crash cut off (the
 * process died between the provider's token and the account's commit) end
 * as `interrupted`, answered `flow_interrupted` instead of lingering.
 */
export const INTERRUPT_FLOWS_SQL = `UPDATE flows SET state = 'interrupted'
  WHERE state = 'completing' AND (claimed_at IS NULL OR claimed_at < $1)`;

/** $1 = now - IDLE_INSTALL_MS. */
export const SWEEP_INSTALLS_SQL = `DELETE FROM installs
  WHERE last_seen_at < $1
    AND NOT EXISTS (SELECT 1 FROM accounts WHERE accounts.install_id = installs.id)
    AND NOT EXISTS (SELECT 1 FROM flows WHERE flows.install_id = installs.id)`;
