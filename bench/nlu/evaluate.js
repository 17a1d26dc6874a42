// Trains NLP.js (node-nlp) on one JSONL file of {"text", "intent"} and classifies another, printing the same figures as
// Parley's `nlu evaluate`: accuracy, macro F1, training seconds and classifications per second (one thread: node's).
// usage: node evaluate.js TRAIN.jsonl TEST.jsonl [language]
'use strict';
const fs = require('fs');
const { NlpManager } = require('node-nlp');

function read(path) {
  return fs.readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

function macroF1(expected, predicted) {
  const labels = new Set([...expected, ...predicted.filter((p) => p !== null)]);
  let total = 0;
  for (const label of labels) {
    let tp = 0; let fp = 0; let fn = 0;
    expected.forEach((e, i) => {
      const p = predicted[i];
      if (e === label && p === label) tp++;
      else if (p === label) fp++;
      else if (e === label) fn++;
    });
    const d = 2 * tp + fp + fn;
    total += d === 0 ? 0 : (2 * tp) / d;
  }
  return labels.size === 0 ? 0 : total / labels.size;
}

async function main() {
  const [trainPath, testPath, language = 'en'] = process.argv.slice(2);
  if (!trainPath || !testPath) {
    console.error('usage: node evaluate.js TRAIN.jsonl TEST.jsonl [language]');
    process.exit(2);
  }
  const train = read(trainPath);
  const test = read(testPath);
  // NER off: Banking77 has no entities, and the builtin extractors would only slow NLP.js down.
  const manager = new NlpManager({ languages: [language], forceNER: false, nlu: { log: false }, autoSave: false });
  for (const e of train) manager.addDocument(language, e.text, e.intent);
  const started = process.hrtime.bigint();
  await manager.train();
  const trainSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const predicted = [];
  const timed = process.hrtime.bigint();
  for (const e of test) {
    const result = await manager.process(language, e.text);
    // NLP.js answers "None" below its threshold; its best-scored intent is the fair comparison with an argmax.
    const best = result.classifications && result.classifications.length > 0 ? result.classifications[0].intent : result.intent;
    predicted.push(best === 'None' ? null : best);
  }
  const seconds = Number(process.hrtime.bigint() - timed) / 1e9;
  const expected = test.map((e) => e.intent);
  const accuracy = expected.filter((e, i) => e === predicted[i]).length / Math.max(expected.length, 1);
  console.log(`trained on ${train.length} examples, tested on ${test.length}`);
  console.log(`accuracy ${accuracy.toFixed(4)}`);
  console.log(`macro-f1 ${macroF1(expected, predicted).toFixed(4)}`);
  console.log(`train-seconds ${trainSeconds.toFixed(2)}`);
  console.log(`classifications-per-second ${(test.length / seconds).toFixed(0)} (one thread)`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
