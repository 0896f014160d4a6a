// The worker thread of prewarm.js: builds the validation engine from the
// library and configuration it is given, as soon as it starts, then answers
// the stand-in's calls one at a time. Each answer is a message carrying the
// call's id, then that id in state[0], which the main thread waits on:
//   {id, value}    the engine's result
//   {id, error}    the engine threw: name, message, stack, own properties
//   {id, failed}   this worker cannot answer (no engine, an answer that
//                  cannot be passed back): the main thread stops asking it
// When the thread exits, for whatever reason, state[1] says so.
'use strict';

const fs = require('fs');
const { workerData } = require('worker_threads');

const { port, state, library, config, wrapConsole } = workerData;

process.on('exit', () => {
  Atomics.store(state, 1, 1);
  Atomics.notify(state, 0);
});

// The library's own output (a panic's message) is written before the
// answer, not whenever the main thread gets to it.
if (wrapConsole) {
  require('./direct.js').wrapConsoleStreams();
} else {
  for (const [fd, stream] of [[1, process.stdout], [2, process.stderr]]) {
    stream.write = (chunk, encoding, callback) => {
      if (typeof encoding === 'function') {
        callback = encoding;
        encoding = undefined;
      }
      fs.writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk, encoding || 'utf8') : chunk);
      if (callback) {
        process.nextTick(callback);
      }
      return true;
    };
  }
}

let validate;
let engine;
let failure;
try {
  validate = require(library);
  engine = new validate.CompositeEngine(config);
} catch (err) {
  failure = err;
}

class CannotAnswer extends Error {}

port.on('message', ({ id, ...call }) => {
  let answer;
  try {
    answer = { id, value: handle(call) };
  } catch (err) {
    answer = err instanceof CannotAnswer ? { id, failed: err.message } : { id, error: describe(err) };
  }
  try {
    port.postMessage(answer);
  } catch (err) {
    port.postMessage({ id, failed: `the answer to ${call.op} cannot be passed back: ${err.message}` });
  }
  Atomics.store(state, 0, id);
  Atomics.notify(state, 0);
});

function handle(call) {
  if (call.op === 'ready') {
    return failure === undefined ? true : String((failure && failure.stack) || failure);
  }
  if (engine === undefined) {
    throw new CannotAnswer(`the engine was ${failure === undefined ? 'freed' : 'never built'}`);
  }
  switch (call.op) {
    case 'validateTemplate':
      return engine.validateTemplate(template(call.template), call.config);
    case 'validateAwsCliCommand': {
      const { serviceName, operationName, parameters, options } = call.request;
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
      throw new CannotAnswer(`unknown call ${call.op}`);
  }
}

function template(t) {
  return 'file' in t ? new validate.TemplateFile(t.file) : new validate.TemplateContent(t.content, t.name);
}

// What the main thread needs to throw the engine's error again: a thrown
// value that is not an Error is described as one with its text.
function describe(err) {
  if (!(err instanceof Error)) {
    return { name: 'Error', message: String(err), stack: undefined, props: {} };
  }
  const props = {};
  for (const key of Object.keys(err)) {
    try {
      props[key] = structuredClone(err[key]);
    } catch {
      props[key] = String(err[key]);
    }
  }
  return { name: err.name, message: err.message, stack: err.stack, props };
}
