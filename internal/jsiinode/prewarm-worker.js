// The worker thread of prewarm.js: builds the validation engine from the
// library and configuration it is given, as soon as it starts, then answers
// the stand-in's calls one at a time. Every answer is a message, then the
// flag the main thread waits on; a failure is an answer too ({error}), so
// the main thread never waits for a worker that has given up.
'use strict';

const { workerData } = require('worker_threads');

const { port, flag, library, config } = workerData;

let validate;
let engine;
let failure;
try {
  validate = require(library);
  engine = new validate.CompositeEngine(config);
} catch (err) {
  failure = err;
}

port.on('message', (message) => {
  let answer;
  try {
    answer = { value: handle(message) };
  } catch (err) {
    answer = { error: err };
  }
  try {
    port.postMessage(answer);
  } catch (err) {
    port.postMessage({ error: new Error(`the validation engine's answer to ${message.op} cannot be passed back: ${err.message}`) });
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});

function handle(message) {
  if (message.op === 'ready') {
    return failure === undefined ? true : String((failure && failure.stack) || failure);
  }
  if (engine === undefined) {
    throw new Error(`the validation engine was ${failure === undefined ? 'freed' : 'never built'}`);
  }
  switch (message.op) {
    case 'validateTemplate':
      return engine.validateTemplate(template(message.template), message.config);
    case 'validateAwsCliCommand': {
      const { serviceName, operationName, parameters, options } = message.request;
      return engine.validateAwsCliCommand(new validate.AwsCliCommand(serviceName, operationName, parameters, options));
    }
    case 'listRules':
      return engine.listRules();
    case 'engineName':
      return engine.engineName();
    case 'free':
      engine.free();
      engine = undefined;
      return undefined;
    default:
      throw new Error(`unknown call ${message.op}`);
  }
}

function template(t) {
  return 'file' in t ? new validate.TemplateFile(t.file) : new validate.TemplateContent(t.content, t.name);
}
