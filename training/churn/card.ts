/**
 * MODEL_CARD.md for the churn model: data with licence and attribution (as in
 * ../shared/data/README.md), split, held-out figures, feature mapping, what is missing, limits,
 * how to retrain.
 */
import type { ChurnManifest } from '../../engine/churn/index.ts';
import type { ChurnTrainReport, DatasetReport } from './report.ts';
import { renderStreamSection } from './streamCard.ts';

const f3 = (x: number): string => x.toFixed(3);
const f4 = (x: number): string => x.toFixed(4);

function reliabilityTable(r: DatasetReport): string {
  const lines = ['| predicted | n | mean predicted | observed churn rate |', '| --- | --- | --- | --- |'];
  for (const b of r.heldOut.reliability) {
    lines.push(`| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.n} | ${b.n ? f3(b.meanPredicted) : '–'} | ${b.n ? f3(b.observedRate) : '–'} |`);
  }
  return lines.join('\n');
}

function candidates(r: DatasetReport): string {
  return r.candidates.map((c) => `| ${c.name} | ${f4(c.valAuc)} | ${f4(c.valLogLoss)} | ${c.bestEpoch} / ${c.epochsRun} |${c.name === r.chosen ? ' **chosen** |' : ' |'}`).join('\n');
}

function heldOutRow(label: string, r: DatasetReport): string {
  const h = r.heldOut;
  return `| ${label} | ${h.n} (${h.positives} churners) | ${f4(h.auc)} ± ${f3(h.aucStdError)} | ${f4(h.accuracy)} | ${f4(h.brier)} | ${f4(h.ece)} | ${f4(h.eceUncalibrated)} |`;
}

function stabilitySection(report: ChurnTrainReport): string {
  const rows = [{ seed: report.seed, chosen: report.telco.chosen, auc: report.telco.heldOut.auc, ece: report.telco.heldOut.ece, brier: report.telco.heldOut.brier }, ...report.stability];
  if (rows.length < 2) return '';
  const aucs = rows.map((r) => r.auc);
  const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
  return `How much the held-out figures move with the split: the same recipe re-run with other seeds (other 80/20 splits;
only the seed-${report.seed} model ships). Telco held-out AUC over ${rows.length} seeds: mean ${f4(mean)}, min ${f4(Math.min(...aucs))}, max ${f4(Math.max(...aucs))}.

| seed | chosen | held-out AUC | Brier | ECE |
| --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.seed}${r.seed === report.seed ? ' (shipped)' : ''} | ${r.chosen} | ${f4(r.auc)} | ${f4(r.brier)} | ${f4(r.ece)} |`).join('\n')}

`;
}

export function renderChurnCard(report: ChurnTrainReport, manifest: ChurnManifest): string {
  const t = report.telco;
  const b = report.bigml;
  const hidden = manifest.architecture.hidden;
  return `# Model card: ${manifest.version}

Churn probability for one customer from the customer state cxpulse keeps, with the top contributing
factors in plain words. Written by \`engine/churn\` (seed ${report.seed}); do not edit by hand.

Two parts, added in log-odds: the **Telco part** (profile: tenure, contract, charges, payment, services), trained and
measured on real data (sections below), and the **stream part** (${report.stream.version}: support contacts, negativity and its
trend, escalations, reply times, tone, late payments, orders, usage drops, downgrades), fitted on a documented
simulation (section "Stream part"). Shipped version: \`${manifest.version}+${report.stream.version}\`. Bands: low < 0.30 <= medium < 0.60 <= high.

## What it is
- ${hidden === 0 ? 'Logistic regression' : `MLP with one hidden layer of ${hidden} ReLU units`} in TF.js (core ops, Adam, L2, early stopping on the
  validation log-loss, no class weighting so probabilities stay calibrated). Chosen over the other candidate by
  **validation** AUC (the test part plays no role in any choice):

| candidate | validation AUC | validation log-loss | best epoch / run | |
| --- | --- | --- | --- | --- |
${candidates(t)}

  Both candidates see the same minibatch order for a given seed, so their validation curves move together.
- Inputs: numerics standardised with the training means/stds, categoricals one-hot, yes/no flags as 0/1;
  every column is centred on the training mean, stored in \`manifest.json\`. A missing or invalid field
  counts as the average training customer and gets no factor.
- Output: Platt scaling (a = ${f3(t.calibration.a)}, b = ${f3(t.calibration.b)}) fitted on the validation slice and folded into the output layer.
  Without class weighting the model is already close to calibrated (a ≈ 1), so Platt scaling changes little;
  the held-out ECE before and after it is reported below.
- Factors: occlusion against the average customer, in log-odds of churn: a feature's contribution is
  how much the logit drops when that feature alone is reset to the training mean (for logistic regression
  this equals weight × standardised value). The k largest by magnitude are returned, with their sign.
- Weights: ${manifest.weightSpecs.map((s) => `${s.name} ${JSON.stringify(s.shape)}`).join(', ')} (float32).

## Data
| set | used for | rows | licence / terms | source and attribution |
| --- | --- | --- | --- | --- |
| churn-telco | training + held-out test (**shipped model**) | ${t.rows} (churn rate ${f3(t.churnRate)}) | IBM sample data set, widely redistributed | IBM "Telco Customer Churn" sample, as redistributed in bchehab/TensorFlow-2.0-Customer-Churn \`WA_Fn-UseC_-Telco-Customer-Churn.csv\` (80% of the set is in ../shared/data; the rest is kept aside upstream) |
${b ? `| churn-bigml | a second, evaluation-only model (not shipped) | ${b.rows} (churn rate ${f3(b.churnRate)}) | BigML / Orange telecom churn sample, widely redistributed | ABKevin/Customer-churn-dataset \`churn-bigml-80.csv\` |\n` : ''}
The data is read from \`../shared/data\` and never copied into this repository.

## Split
Seeded (seed ${report.seed}) stratified split: 20% held-out test, cut off first and only scored once, by the exported
model loaded back from this folder; of the remaining 80%, a stratified 15% validation slice is used for early
stopping, model choice and Platt scaling. Telco: train ${t.split.train}, validation ${t.split.validation}, test ${t.split.test}.
Means/stds/vocabularies are fitted on the 80% part (train + validation), never on test.

## Held-out results (${report.wallSec} s wall time for the whole run, TF.js backend ${report.backend})
| model | held-out n | ROC-AUC ± s.e. | accuracy @ 0.5 | Brier | ECE (10 bins) | ECE before Platt |
| --- | --- | --- | --- | --- | --- | --- |
${heldOutRow('telco (shipped)', t)}
${b ? `${heldOutRow(`bigml (${b.chosen}, not shipped)`, b)}\n` : ''}
${stabilitySection(report)}Reliability on the Telco held-out test (10 equal-width bins):

${reliabilityTable(t)}
${b ? `\nThe BigML model is there to show what support contacts are worth: its table has the number of
customer-service calls, the nearest public stand-in for our contact counts. Chosen there: ${b.chosen}
(validation AUC ${b.candidates.map((c) => `${c.name} ${f4(c.valAuc)}`).join(', ')}); the effect of calls is strongly
non-linear: ${b.churnRateByServiceCalls ? `${(100 * b.churnRateByServiceCalls.upTo3).toFixed(1)}% of customers with at most 3 calls churn, ${(100 * b.churnRateByServiceCalls.from4).toFixed(1)}% of those with 4 or more (all rows of the set)` : 'a jump from the 4th call on'},
which matches the seed articles' "more than 3 contacts" signal. The simulated contact rates of the stream part
(below) are set from this table.\n` : ''}
## Feature mapping (Telco column → cxpulse customer state, \`ChurnFeatures\`)
| ChurnFeatures field | Telco column | encoding |
| --- | --- | --- |
| tenureMonths | tenure | standardised months and log(1 + months) |
| contract | Contract | one-hot: month-to-month / one-year / two-year |
| monthlyCharges | MonthlyCharges | standardised (USD in the data) |
| paymentMethod | PaymentMethod | one-hot: electronic-check / mailed-check / bank-transfer / credit-card |
| paperlessBilling | PaperlessBilling | yes/no |
| internetService | InternetService | one-hot: dsl / fiber / none |
| onlineSecurity | OnlineSecurity | yes/no ("no internet service" = no) |
| techSupport | TechSupport | yes/no ("no internet service" = no) |
| servicesCount | count of "Yes" in PhoneService, MultipleLines, OnlineSecurity, OnlineBackup, DeviceProtection, TechSupport, StreamingTV, StreamingMovies | standardised 0..8: the usage/breadth proxy |

Left out on purpose: gender, SeniorCitizen, Partner, Dependents (the engine does not collect demographics —
data minimisation — and a churn score should not move with sex or age); TotalCharges (≈ tenure × monthly charges).

**Stream features with NO counterpart in Telco** (the Telco part cannot use them; the stream part below learns
them from a documented simulation):
${report.unmappedStreamFeatures.map((s) => `- ${s}`).join('\n')}

${renderStreamSection(report)}
## Examples (hand-made customers, not from the data)
${report.examples.map((e) => `- ${e.name}: p(churn) = ${f3(e.probability)}; ${e.factors.map((x) => `${x.text} (${x.contribution >= 0 ? '+' : ''}${x.contribution.toFixed(2)})`).join(', ')}`).join('\n')}

## Limits
- One US telecom's sample data from IBM: the base rate (${f3(t.churnRate)}), prices in USD and the meaning of
  "contract" are theirs. Recalibrate (or retrain) on a company's own customers before trusting the absolute numbers.
- The stream part's weights come from a simulation whose effect sizes are partly assumptions (see the stream section):
  its contributions are plausible, not measured. Refit it on a company's own labelled histories (same reducer, same features).
- In the engine, tenure is known only when a source sends \`meta.customerSince\`, and the contract only when a plan name says
  which one it is; the other Telco fields (charges, payment, services) are unknown there and count as the average customer.
- Customer states in NATS KV assume one engine instance updates a customer at a time: instances sharing the bucket
  are last-writer-wins on the same customer (a lost update costs that event's contribution until the next events).
- Factors are associations in this data set, not causes ("electronic check" is a marker, not a reason to change payment method).
- Held-out figures come from ${t.split.test} customers; the AUC's standard error at that size is ±${f3(t.heldOut.aucStdError)} (Hanley & McNeil).

## Retrain
\`\`\`
node bin/cxpulse.js train --churn --data ../shared/data --out models/churn --seed 42 [--stability 1,2,3,4,5]
npx vitest run test/churn
\`\`\`
Deterministic for a given data folder, seed and TF.js backend; well under a minute on two cores.
`;
}
