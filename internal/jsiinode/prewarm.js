// Preloaded by bin/jsii-node into the Node that runs the app's constructs.
//
// aws-cdk-lib validates every template at synth with
// @aws/cloudformation-validate. Building its CompositeEngine (an 8.8 MB
// WebAssembly module loading the CloudFormation schemas and compiling
// aws-cdk-lib's default Rego rules) takes about 0.7 s, on the main thread,
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
// an error in validating is thrown as the engine threw it. Whatever is not
// as expected (no aws-cdk-lib, another configuration, another copy of the
// library, a worker that could not build the engine, a second engine) gets
// the real engine, built in place as without this file. Nothing here can
// skip a validation: at worst it runs as if this file were not loaded.
//
// CDK_VALIDATION=false: aws-cdk-lib does not validate, so nothing is built.
// JSII_NODE_TRACE=FILE: what was decided is appended to FILE, a line each.
'use strict';

const { isMainThread } = require('worker_threads');

if (isMainThread && process.env.CDK_VALIDATION !== 'false') {
  install();
}

function install() {
  const fs = require('fs');
  const path = require('path');
  const Module = require('module');
  const { Worker, MessageChannel, receiveMessageOnPort } = require('worker_threads');

  const LIBRARY = '@aws/cloudformation-validate';
  // Where aws-cdk-lib's CloudFormationValidatePlugin lives: the library is
  // resolved from there, and its default rules are read beside it.
  const PLUGIN = path.join('core', 'lib', 'validation', 'cloudformation-validate-plugin.js');
  const RULES = path.join('core', 'lib', 'validation', 'rules');
  // A worker that does not answer fails the synth rather than hang it.
  const ANSWER_TIMEOUT_MS = 10 * 60 * 1000;
  const STANDIN = Symbol.for('eks-platform.jsii-node.prewarmed');

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

    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(path.join(__dirname, 'prewarm-worker.js'), {
      workerData: { port: port2, flag, library, config },
      transferList: [port2],
      execArgv: [],
    });
    // Never what keeps the process alive: it exits when the app is done.
    worker.unref();
    port1.unref();
    trace(`started: ${library}`);

    let claimed = false;
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
      call(message) {
        Atomics.store(flag, 0, 0);
        port1.postMessage(message);
        if (Atomics.wait(flag, 0, 0, ANSWER_TIMEOUT_MS) === 'timed-out') {
          throw new Error(`the validation engine's worker did not answer ${message.op} in ${ANSWER_TIMEOUT_MS / 60000} minutes`);
        }
        const answer = receiveMessageOnPort(port1).message;
        if ('error' in answer) {
          throw answer.error;
        }
        return answer.value;
      },
    };
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
    const engine = warm;

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
        if (JSON.stringify(config) !== engine.config) {
          trace('real engine: the configuration is not the default one');
          return new Real(config);
        }
        if (!engine.claim()) {
          trace('real engine: the prewarmed one is taken');
          return new Real(config);
        }
        const built = engine.call({ op: 'ready' });
        if (built !== true) {
          trace(`real engine: the worker could not build one: ${built}`);
          return new Real(config);
        }
        this[STANDIN] = true;
        trace('served by the worker');
      }
      validateTemplate(t, config) {
        const given = template(t);
        const report = engine.call({ op: 'validateTemplate', template: given, config });
        trace(`validated by the worker: ${given.file || given.name}`);
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
        return engine.call({
          op: 'validateAwsCliCommand',
          request: { serviceName, operationName, parameters, options: { servicePrefix, httpMethod, isReadOnly } },
        });
      }
      listRules() {
        return engine.call({ op: 'listRules' });
      }
      engineName() {
        return engine.call({ op: 'engineName' });
      }
      free() {
        engine.call({ op: 'free' });
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
