import { settleQuestion } from '../consent/consent-broker';
import { type ConsentQuestion, readQuestion } from '../consent/consent-questions';
import { InvalidMessage } from '../errors/extension-error';
import { withSchemas } from '../messaging/channel';
import { dataUrlOf } from '../messaging/content-files';
import { consentDeps } from './consent-deps';
import { type ConsentMessages, PAGE_PARAMS, type ShownConsentQuestion } from './page-protocol';

/** The consent window reads its question and gives the user's answer. */
export const consentHandlers = withSchemas<ConsentMessages>(PAGE_PARAMS, {
  getConsentQuestion: async ({ id }) => {
    const deps = consentDeps();
    const question = await readQuestion(deps.store, id);
    return question && question.expiresAt > deps.now() ? shownQuestion(question) : null;
  },
  answerConsent: async ({ id, decision, accountId, confirmWrites = false }) => {
    const deps = consentDeps();
    const question = await readQuestion(deps.store, id);
    if (!question) return { accepted: false };
    if (accountId !== undefined && !question.accounts.some((a) => a.id === accountId)) {
      throw new InvalidMessage('that account was not offered');
    }
    // A site asking for an account the user does not have can only be told no.
    if (question.kind === 'no-account' && decision !== 'deny') throw new InvalidMessage('this question takes deny');
    // A write the site must confirm each time is allowed once or not at all.
    if (question.kind === 'write' && decision === 'always')
      throw new InvalidMessage('this question takes once or deny');
    const accepted = await settleQuestion(deps, id, {
      decision,
      ...(accountId === undefined ? {} : { accountId }),
      confirmWrites,
      reason: 'denied',
    });
    return { accepted };
  },
});

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
