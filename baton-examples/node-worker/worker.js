// A Baton worker in Node.js, written from docs/protocol.md alone: no Baton code, only kafkajs.
//
// It plays a label service: `execute` prints a shipping label for an order, `compensate` voids it.
// Configuration (environment variables):
//   BOOTSTRAP_SERVERS  comma-separated host:port list        (default localhost:9092)
//   COMMAND_TOPIC      the steps' "topic"                    (default label.commands)
//   GROUP_ID           consumer group                        (default <COMMAND_TOPIC>-node-worker)
//   MAX_ATTEMPTS       tries per command, the first included (default 3)
//   BACKOFF_MS         wait before the first retry, doubled after each one (default 200)
'use strict';

const fs = require('fs');
const util = require('util');
const { Kafka, Partitioners, logLevel } = require('kafkajs');

const brokers = (process.env.BOOTSTRAP_SERVERS || 'localhost:9092').split(',');
const commandTopic = process.env.COMMAND_TOPIC || 'label.commands';
const groupId = process.env.GROUP_ID || `${commandTopic}-node-worker`;
const maxAttempts = Number(process.env.MAX_ATTEMPTS || 3);
const backoffMs = Number(process.env.BACKOFF_MS || 200);

// Written synchronously: console.log to a pipe is asynchronous, and process.exit() would drop what is pending.
const log = (...args) => fs.writeSync(1, util.format(new Date().toISOString(), ...args) + '\n');

// ---- The work itself. Throw to fail; an error with `retryable = false` fails at once. ----

const triesByCommand = new Map(); // only to make the demo's "flaky" input fail a given number of times

async function execute(command) {
  const { orderId, flaky = 0, reject = false } = command.input || {};
  if (reject) {
    throw Object.assign(new Error(`no label for order ${orderId}`), { type: 'LabelRejected', retryable: false });
  }
  const tries = (triesByCommand.get(command.commandId) || 0) + 1;
  triesByCommand.set(command.commandId, tries);
  if (tries <= flaky) {
    throw Object.assign(new Error(`printer busy (try ${tries})`), { type: 'PrinterBusy' });
  }
  return { labelId: `LBL-${orderId}`, printedBy: 'node', tries };
}

async function compensate(command) {
  // input is {"input": <the execute command's input>, "output": <what execute returned>}
  const { output = {} } = command.input || {};
  return { voided: output.labelId, voidedBy: 'node' };
}

// ---- The protocol: one absolute outcome per command, after our own retries. ----

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function runWithRetries(handler, command) {
  for (let attempt = 1; ; attempt++) {
    try {
      const output = await handler(command);
      return { status: 'SUCCEEDED', output: output === undefined ? null : output, attempts: attempt };
    } catch (err) {
      const error = { type: err.type || err.name || 'Error', message: String(err.message || err) };
      if (err.retryable === false || attempt >= maxAttempts) {
        return { status: 'FAILED', error, attempts: attempt };
      }
      log(`${command.commandId}: try ${attempt} failed (${error.message}), retrying`);
      await sleep(backoffMs * 2 ** (attempt - 1));
    }
  }
}

async function answer(command) {
  if (command.kind === 'execute') return runWithRetries(execute, command);
  if (command.kind === 'compensate') return runWithRetries(compensate, command);
  return { status: 'FAILED', error: { type: 'UnknownKind', message: `unknown kind '${command.kind}'` }, attempts: 0 };
}

// Recently answered commands: a redelivery (crash between send and commit) gets the same outcome again.
const answered = new Map();
function remember(commandId, outcome) {
  answered.set(commandId, outcome);
  if (answered.size > 10000) answered.delete(answered.keys().next().value); // oldest first
}

const kafka = new Kafka({ clientId: 'baton-node-worker', brokers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId, readUncommitted: false }); // read_committed: Baton writes in transactions
// The Java client's partitioner (murmur2 of the key): an instance's outcomes land on the partition Baton expects.
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

async function handle({ topic, partition, message }) {
  let command;
  try {
    command = JSON.parse(message.value.toString('utf8'));
  } catch (e) {
    command = null;
  }
  if (!command || !command.commandId || !command.instanceId || !command.stepId || !command.callbackTopic) {
    log(`skipping a record that is not a command at ${topic}/${partition}@${message.offset}`);
  } else {
    let outcome = answered.get(command.commandId);
    if (outcome) {
      log(`${command.commandId}: redelivered, answering again`);
    } else {
      outcome = {
        commandId: command.commandId,
        instanceId: command.instanceId,
        stepId: command.stepId,
        ...(await answer(command)),
      };
      remember(command.commandId, outcome);
      triesByCommand.delete(command.commandId);
    }
    await producer.send({
      topic: command.callbackTopic, // always honour it
      acks: -1, // wait for all in-sync replicas: the outcome must be durable before we commit
      messages: [{
        key: command.instanceId, // keeps all records of an instance on one partition, in order
        value: JSON.stringify(outcome),
        headers: { 'content-type': 'application/json', ce_specversion: '1.0', ce_type: 'dev.baton.outcome.v1',
          ce_source: 'baton-node-worker', ce_id: `${command.commandId}/outcome`, ce_subject: command.instanceId },
      }],
    });
    log(`${command.commandId}: ${command.kind} ${outcome.status} after ${outcome.attempts} tries`,
      JSON.stringify(outcome.output ?? outcome.error));
  }
  // Commit only after the outcome was acknowledged: a crash before this line redelivers the command.
  await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
}

async function main() {
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: commandTopic, fromBeginning: true });
  consumer.on(consumer.events.GROUP_JOIN, () => log(`ready: consuming ${commandTopic} as group ${groupId}`));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) shutdown('crash', 1);
  });
  await consumer.run({ autoCommit: false, eachMessage: handle });
}

let stopping = false;
async function shutdown(reason, code = 0) {
  if (stopping) return;
  stopping = true;
  log(`stopping (${reason})`);
  try {
    await consumer.disconnect(); // waits for the command in hand: its outcome is sent and committed
    await producer.disconnect();
  } finally {
    process.exit(code);
  }
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

main().catch((err) => {
  log('fatal:', err);
  shutdown('error', 1);
});
