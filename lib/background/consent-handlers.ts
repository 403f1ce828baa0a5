import { settleQuestion } from '../consent/consent-broker';
import { type ConsentDecision, type ConsentQuestion, readQuestion } from '../consent/consent-questions';
import { booleanParam, type Handlers, InvalidMessage, optionalStringParam, stringParams } from '../messaging/channel';
import { dataUrlOf } from '../messaging/content-files';
import { consentDeps } from './engine-deps';
import type { ConsentMessages, ShownConsentQuestion } from './page-protocol';

const DECISIONS: readonly string[] = ['once', 'always', 'deny'] satisfies ConsentDecision[];

/** The consent window reads its question and gives the user's answer. */
export const consentHandlers: Handlers<ConsentMessages> = {
  getConsentQuestion: async (params) => {
    const deps = consentDeps();
    const question = await readQuestion(deps.store, stringParams(params, 'id').id);
    return question && question.expiresAt > deps.now() ? shownQuestion(question) : null;
  },
  answerConsent: async (params) => {
    const { id, decision } = stringParams(params, 'id', 'decision');
    if (!DECISIONS.includes(decision)) throw new InvalidMessage(`decision must be one of ${DECISIONS.join(', ')}`);
    const deps = consentDeps();
    const question = await readQuestion(deps.store, id);
    if (!question) return { accepted: false };
    const accountId = optionalStringParam(params, 'accountId');
    if (accountId !== undefined && !question.accounts.some((a) => a.id === accountId)) {
      throw new InvalidMessage('that account was not offered');
    }
    // A site asking for an account the user does not have can only be told no.
    if (question.kind === 'no-account' && decision !== 'deny') throw new InvalidMessage('this question takes deny');
    // A write the site must confirm each time is allowed once or not at all.
    if (question.kind === 'write' && decision === 'always')
      throw new InvalidMessage('this question takes once or deny');
    const accepted = await settleQuestion(deps, id, {
      decision: decision as ConsentDecision,
      ...(accountId === undefined ? {} : { accountId }),
      confirmWrites: booleanParam(params, 'confirmWrites'),
      reason: 'denied',
    });
    return { accepted };
  },
};

/** The question as it crosses messaging (JSON-only in Chrome): each image preview as a data: URL. */
async function shownQuestion(question: ConsentQuestion): Promise<ShownConsentQuestion> {
  const files = await Promise.all(
    (question.files ?? []).map(async ({ preview, ...file }) => ({
      ...file,
      ...(preview ? { previewUrl: await dataUrlOf(preview) } : {}),
    })),
  );
  return { ...question, ...(question.files ? { files } : {}) };
}
