// Preloaded by bin/jsii-node into the Node that runs the app's constructs.
//
// aws-cdk-lib validates every template at synth with
// @aws/cloudformation-validate. Building its CompositeEngine (an 8.8 MB
// WebAssembly module loading the CloudFormation schemas and compiling
// aws-cdk-lib's default Rego rules) takes about 0.8 s, on the main thread,
// after the app has constructed everything: construction and validation
// run one after the other on one core while the other waits. This builds
// the same engine on a worker thread as soon as the app loads aws-cdk-lib,
// while the app constructs, and makes the CompositeEngine that aws-cdk-lib
// creates at synth a stand-in that hands each call to that engine and
// waits for its answer, synchronously, as the real one answers.
//
// It is the same validation: the worker loads the @aws/cloudformation-validate
// that aws-cdk-lib resolves, builds the engine from the configuration that
// aws-cdk-lib's plugin builds by default (the stand-in compares it with the
// one it is given), and validates the same templates with the same options;
// an error the engine throws is thrown again, with its name, message and
// properties. Whatever is not as expected gets the real engine, built in
// place as without this file: another configuration, another copy of the
// library, a second engine, a worker that could not build the engine. And
// a worker that fails to answer (it exited, its answer cannot be passed
// back, or none came in JSII_NODE_PREWARM_TIMEOUT_MS, 10 minutes by
// default) is never asked again: the call it failed and every later one go
// to a real engine. Nothing here can skip a validation or pass one on a
// worker's failure: at worst it runs as if this file were not loaded.
//
// CDK_VALIDATION=false: aws-cdk-lib does not validate, so nothing is built.
// JSII_NODE_PREWARM=0: nothing is built either (aws-cdk-lib's own path).
// JSII_NODE_TRACE=FILE: what was decided is appended to FILE, a line each.
'use strict';

const { isMainThread } = require('worker_threads');

if (isMainThread && process.env.CDK_VALIDATION !== 'false' && process.env.JSII_NODE_PREWARM !== '0') {
  install();
}

function install() {
  const fs = require('fs');
  const path = require('path');
  const Module = require('module');
  const { Worker, MessageChannel, receiveMessageOnPort } = require('worker_threads');
  // Set by direct.js when it runs the kernel on the app's pipes (not
  // required here: loading it installs it).
  const DIRECT = Symbol.for('eks-platform.jsii-node.direct');

  const LIBRARY = '@aws/cloudformation-validate';
  // Where aws-cdk-lib's CloudFormationValidatePlugin lives: the library is
  // resolved from there, and its default rules are read beside it.
  const PLUGIN = path.join('core', 'lib', 'validation', 'cloudformation-validate-plugin.js');
  const RULES = path.join('core', 'lib', 'validation', 'rules');
  const STANDIN = Symbol.for('eks-platform.jsii-node.prewarmed');
  const timeoutMs = Number(process.env.JSII_NODE_PREWARM_TIMEOUT_MS) || 10 * 60 * 1000;

  // A failure of the worker, not of the engine: the call goes to a real one.
  class WorkerFailed extends Error {}

  // undefined: aws-cdk-lib not seen yet; null: no prewarmed engine.
  let warm;

  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const exported = load.apply(this, arguments);
    if (typeof request === 'string') {
      if (warm === undefined && request.includes('aws-cdk-lib')) {
        warm = attempt('start', () => start(request, parent));
      } else if (warm && request === LIBRARY && !exported[STANDIN]) {
        attempt('serve', () => serve(exported, Module._resolveFilename(request, parent)));
      }
    }
    return exported;
  };

  function attempt(what, fn) {
    try {
      return fn();
    } catch (err) {
      trace(`${what} failed, aws-cdk-lib's own path: ${err && err.message}`);
      return null;
    }
  }

  // The aws-cdk-lib root the request resolves into, or undefined when it
  // is not aws-cdk-lib itself (a package whose name merely contains it).
  function start(request, parent) {
    const file = Module._resolveFilename(request, parent);
    const marker = `${path.sep}aws-cdk-lib${path.sep}`;
    const at = file.lastIndexOf(marker);
    if (at < 0) {
      return undefined;
    }
    const root = file.slice(0, at + marker.length - 1);
    const library = Module.createRequire(path.join(root, PLUGIN)).resolve(LIBRARY);
    const config = defaultConfig(path.join(root, RULES));

    // state[0]: the id of the last answer the worker posted; state[1]: 1
    // once the worker has exited. The main thread waits on state[0].
    const state = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(path.join(__dirname, 'prewarm-worker.js'), {
      workerData: { port: port2, state, library, config, wrapConsole: globalThis[DIRECT] === true },
      transferList: [port2],
      execArgv: [],
    });
    // Never what keeps the process alive: it exits when the app is done.
    worker.unref();
    port1.unref();
    let gone = null; // why the worker is not to be asked any more
    const abandon = (why) => {
      if (gone === null) {
        gone = why;
        trace(`worker abandoned: ${why}`);
        worker.terminate().catch(() => {});
      }
    };
    // An error or exit of the worker is never the app's crash.
    worker.on('error', (err) => abandon(`it failed: ${err && err.message}`));
    worker.on('exit', (code) => abandon(`it exited (${code})`));
    trace(`started: ${library}`);

    let claimed = false;
    let sent = 0;
    return {
      library,
      config: JSON.stringify(config),
      // The engine, to the first stand-in only: a second engine aws-cdk-lib
      // builds is a real one (the first may free the worker's).
      claim() {
        if (claimed) {
          return false;
        }
        claimed = true;
        return true;
      },
      // The engine's answer, or the engine's error thrown again; a
      // WorkerFailed when the worker cannot answer, after which it is
      // never asked again.
      call(message) {
        if (gone !== null) {
          throw new WorkerFailed(gone);
        }
        const id = ++sent;
        try {
          port1.postMessage({ id, ...message });
        } catch (err) {
          abandon(`the call cannot be passed to it: ${err.message}`);
          throw new WorkerFailed(gone);
        }
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const answered = Atomics.load(state, 0);
          if (answered >= id) {
            break;
          }
          if (Atomics.load(state, 1) !== 0) {
            abandon('it exited');
            throw new WorkerFailed(gone);
          }
          const left = deadline - Date.now();
          if (left <= 0) {
            abandon(`no answer to ${message.op} in ${timeoutMs} ms`);
            throw new WorkerFailed(gone);
          }
          Atomics.wait(state, 0, answered, Math.min(left, 1000));
        }
        let answer;
        for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) {
          if (m.message.id === id) {
            answer = m.message;
            break;
          }
        }
        if (answer === undefined) {
          abandon(`its answer to ${message.op} was lost`);
          throw new WorkerFailed(gone);
        }
        if (answer.failed !== undefined) {
          abandon(answer.failed);
          throw new WorkerFailed(gone);
        }
        if (answer.error !== undefined) {
          throw revive(answer.error);
        }
        return answer.value;
      },
    };
  }

  // The engine's error as the worker described it: same name, message,
  // stack and own properties.
  function revive({ name, message, stack, props }) {
    const err = new Error(message);
    Object.assign(err, props);
    Object.defineProperty(err, 'name', { value: name, configurable: true, writable: true });
    err.stack = stack;
    return err;
  }

  // The configuration aws-cdk-lib's CloudFormationValidatePlugin gives the
  // engine by default (includeDefaultRules, no extra rules): its rules
  // directory's .rego files, sorted by name, as {name, content}.
  function defaultConfig(dir) {
    const regoRules = fs.readdirSync(dir)
      .filter((f) => f.endsWith('.rego'))
      .sort()
      .map((f) => ({ name: f, content: fs.readFileSync(path.join(dir, f), 'utf-8') }));
    return regoRules.length > 0 ? { regoRules } : {};
  }

  function serve(library, file) {
    if (file !== warm.library) {
      trace(`not served: ${file} is another copy than ${warm.library}`);
      return;
    }
    const Real = library.CompositeEngine;
    const { TemplateFile, TemplateContent, AwsCliCommand } = library;
    const worker = warm;

    function template(t) {
      if (t instanceof TemplateFile) {
        return { file: t.path };
      }
      if (t instanceof TemplateContent) {
        return { content: t.content, name: t.name };
      }
      // The library reads any other template's bytes and labels it by path.
      return { content: t.readBytes(), name: t.path };
    }

    class CompositeEngine {
      constructor(config) {
        if (JSON.stringify(config) !== worker.config) {
          trace('real engine: the configuration is not the default one');
          return new Real(config);
        }
        if (!worker.claim()) {
          trace('real engine: the prewarmed one is taken');
          return new Real(config);
        }
        let built;
        try {
          built = worker.call({ op: 'ready' });
        } catch (err) {
          built = err.message;
        }
        if (built !== true) {
          trace(`real engine: the worker could not build one: ${built}`);
          return new Real(config);
        }
        this[STANDIN] = true;
        this.config = config;
        this.real = undefined;
        trace('served by the worker');
      }
      // The worker's answer to op, or, once the worker has failed, the
      // real engine's (built then, on this thread).
      forward(op, args, real) {
        if (this.real === undefined) {
          try {
            return worker.call({ op, ...args });
          } catch (err) {
            if (!(err instanceof WorkerFailed)) {
              throw err;
            }
            trace(`real engine from ${op} on: ${err.message}`);
            this.real = new Real(this.config);
          }
        }
        return real(this.real);
      }
      validateTemplate(t, config) {
        const given = template(t);
        const report = this.forward('validateTemplate', { template: given, config }, (real) => real.validateTemplate(t, config));
        trace(`validated by the ${this.real === undefined ? 'worker' : 'real engine'}: ${given.file || given.name}`);
        return report;
      }
      validateStandard(t, config) {
        return this.validateTemplate(t, { ...config, detailLevel: 'STANDARD' });
      }
      validateDetailed(t, config) {
        return this.validateTemplate(t, { ...config, detailLevel: 'DETAILED' });
      }
      validateAwsCliCommand(request) {
        if (!(request instanceof AwsCliCommand)) {
          throw new TypeError('request must be an AwsCliCommand');
        }
        const { serviceName, operationName, parameters, servicePrefix, httpMethod, isReadOnly } = request;
        const wire = { serviceName, operationName, parameters, options: { servicePrefix, httpMethod, isReadOnly } };
        return this.forward('validateAwsCliCommand', { request: wire }, (real) => real.validateAwsCliCommand(request));
      }
      listRules() {
        return this.forward('listRules', {}, (real) => real.listRules());
      }
      engineName() {
        return this.forward('engineName', {}, (real) => real.engineName());
      }
      // A worker that cannot free its engine holds nothing of the app's:
      // no real engine is built just to be freed.
      free() {
        if (this.real !== undefined) {
          this.real.free();
          return;
        }
        try {
          worker.call({ op: 'free' });
        } catch (err) {
          if (!(err instanceof WorkerFailed)) {
            throw err;
          }
          trace(`free: ${err.message}`);
        }
      }
    }
    library.CompositeEngine = CompositeEngine;
    library[STANDIN] = true;
  }

  function trace(line) {
    const file = process.env.JSII_NODE_TRACE;
    if (file) {
      fs.appendFileSync(file, `prewarm: ${line}\n`);
    }
  }
}
