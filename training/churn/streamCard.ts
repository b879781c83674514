/**
 * The model card's section on the stream part: the simulation and its parameters, where each
 * effect size comes from, held-out figures on simulated histories (kept apart from the real
 * Telco figures), the fitted weights and the limits.
 */
import { SIMULATION } from './simulate.ts';
import type { ChurnTrainReport } from './report.ts';

const f3 = (x: number): string => x.toFixed(3);
const f4 = (x: number): string => x.toFixed(4);

function parameterRows(): string {
  const S = SIMULATION;
  const c = S.contactsPer90d;
  return [
    `| support contacts per 90 days | Poisson(${c.stayer}) | ${100 * (1 - c.troubledShare)}% Poisson(${c.churnerCalm}), ${100 * c.troubledShare}% Poisson(${c.churnerTroubled}) ramping up towards the end | **measured**: churn-bigml customer-service calls (see below) |`,
    `| customer messages per contact | 1 + Poisson(${S.extraMessagesPerContact}), each answered by an agent | same | assumption (volume only) |`,
    `| negative messages | ${S.negativeShare.stayer} | ${S.negativeShare.churnerEarly}, then ${S.negativeShare.churnerLast30d} in the last 30 days | assumption |`,
    `| formal messages (${100 * S.formalityAvailable}% of customers have a formality head) | ${S.formalShare.stayer} | ${S.formalShare.churnerStart}, then ${S.formalShare.churnerEnd} in the last 30 days | assumption |`,
    `| agent reply time (log-normal, sigma 1) | median ${S.agentReplyMedianHours.stayer} h | median ${S.agentReplyMedianHours.churner} h | assumption |`,
    `| customer reply time (log-normal, sigma 1) | median ${S.customerReplyMedianHours.stayer} h | ${S.customerReplyMedianHours.churnerEarly} h, then ${S.customerReplyMedianHours.churnerLate} h in the last 30 days | assumption |`,
    `| escalation per contact | ${S.escalationPerContact.stayer} | ${S.escalationPerContact.churner} | assumption |`,
    `| CRM connected | ${100 * S.crmConnected}% of customers | same | assumption (missingness) |`,
    `| late payments per 90 days | ${S.latePaymentsPer90d.stayer} | ${S.latePaymentsPer90d.churner} | assumption |`,
    `| usage drops per 90 days | ${S.usageDropsPer90d.stayer} | ${S.usageDropsPer90d.churner} | assumption |`,
    `| plan downgrades per 90 days | ${S.downgradesPer90d.stayer} | ${S.downgradesPer90d.churner} | assumption |`,
    `| orders per 30 days | Gamma(${S.ordersPer30d.gammaShape}, ${S.ordersPer30d.gammaScale}) per customer | same, x${S.ordersPer30d.churnerLast30Factor} in the last 30 days | assumption |`,
  ].join('\n');
}

export function renderStreamSection(report: ChurnTrainReport): string {
  const r = report.stream;
  const h = r.heldOut;
  const calls = report.bigml?.serviceCallsByClass;
  const rates = report.bigml?.churnRateByServiceCalls;
  return `## Stream part (trained on SIMULATED histories)
No public data links interaction streams to churn, so the stream part (${r.version}) is fitted on a documented
simulation (\`training/churn/simulate.ts\`). Each simulated customer is a real Telco row (profile and real label);
on top of it we draw ${SIMULATION.windowDays} days of stream events (${r.meanEventsPerCustomer.toFixed(1)} on average) whose rates depend on the label
only, and run them through the engine's own customer-state reducer (\`engine/churn/state.ts\`), so the features are
exactly those the engine computes (counts "in the last N days" cover the N UTC days ending with the customer's newest
event, kept as per-day counters so a customer's state has a fixed ceiling; see \`engine/churn/dayCounts.ts\`).
The shipped log-odds are **Telco logit + stream logit**: the stream part is a logistic regression over the stream features fitted with the exported Telco model's logit as a fixed offset
(Newton's method, L2 = 1 on standardised inputs), so the Telco part is unchanged and the stream part learns only what
the stream adds. Because the simulated stream depends on the label alone, it is conditionally independent of the
profile given churn, which is what makes the sum the right combination (we chose this over a joint model because
a joint fit would let simulated effects leak into the real Telco weights). A stream feature the engine cannot
know (no CRM events, no formality head) is unknown, contributes 0 and is never named as a factor.

Generating parameters (stayer vs churner):

| stream quantity | stayer | churner | source |
| --- | --- | --- | --- |
${parameterRows()}

${calls ? `Support contacts, measured on churn-bigml (${report.bigml!.rows} rows): customer-service calls have mean ${f3(calls.stayers.mean)} (variance ${f3(calls.stayers.variance)}) for
stayers and ${f3(calls.churners.mean)} (variance ${f3(calls.churners.variance)}) for churners${rates ? `; ${(100 * rates.upTo3).toFixed(1)}% of customers with at most 3 calls churn against ${(100 * rates.from4).toFixed(1)}% with 4 or more` : ''}.
The churners' excess variance says a subset of churners calls much more: the 75/25 mixture above reproduces both moments.
We read BigML's calls (over the account's life) as contacts per 90 days: that mapping is an assumption.` : 'churn-bigml was absent at training time: the contact rates above were set from an earlier measurement on it.'}
The other effects are assumptions, deliberately modest (each feature alone reaches a held-out AUC of about 0.55–0.70
on the simulation, see below); they encode the seed articles' churn signals, not measurements.

Held-out, on the ${h.n} held-out Telco customers (${h.positives} churners; real profiles and labels) with **simulated** streams
(seed ${r.seedTest}; the stream part was fitted on ${r.trainRows} training customers' simulations, seed ${r.seedTrain}):

| model (SIMULATED streams) | ROC-AUC | Brier | ECE (10 bins) |
| --- | --- | --- | --- |
| Telco part alone (= the real held-out figure above) | ${f4(h.telcoAuc)} | – | – |
| stream part alone | ${f4(h.streamAuc)} | – | – |
| shipped: Telco + stream | ${f4(h.combinedAuc)} | ${f4(h.combinedBrier)} | ${f4(h.combinedEce)} |

These figures show that the pipeline (reducer, features, fit) recovers effects we put into the simulation; they are
**not** evidence that stream signals predict churn this well for any real business. On real customers the shipped
model is only as good as the Telco part until it is refitted on a company's own labelled histories.

Reliability of the shipped model on the simulated held-out set:

| predicted | n | mean predicted | observed churn rate |
| --- | --- | --- | --- |
${h.reliability.map((b) => `| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.n} | ${b.n ? f3(b.meanPredicted) : '–'} | ${b.n ? f3(b.observedRate) : '–'} |`).join('\n')}

Stream weights (log-odds per standard deviation; "known" = share of simulated training customers with the feature)
and each feature's own held-out AUC on the simulation:

| feature | weight | mean | std | known | univariate AUC |
| --- | --- | --- | --- | --- | --- |
${r.weights.map((w) => `| ${w.name} | ${w.weight >= 0 ? '+' : ''}${f3(w.weight)} | ${f3(w.mean)} | ${f3(w.std)} | ${(100 * w.known).toFixed(0)}% | ${f3(r.featureAuc.find((a) => a.name === w.name)?.auc ?? NaN)} |`).join('\n')}

Weights of correlated features (the three contact windows) share the effect between them; read them together.

### Examples with a stream (hand-made, scored by the shipped model)
${report.streamExamples.map((e) => `- ${e.name}: p(churn) = ${f3(e.probability)} (${e.band}); ${e.factors.map((x) => `${x.text} (${x.contribution >= 0 ? '+' : ''}${x.contribution.toFixed(2)})`).join(', ')}`).join('\n')}

Bands: low below 0.30, medium from 0.30 (just above the Telco base rate of ${f3(report.telco.churnRate)}), high from 0.60.
`;
}
