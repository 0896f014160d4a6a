// Preloaded by bin/jsii-node when it starts jsii's kernel (lib/program.js)
// itself instead of jsii's relay (bin/jsii-runtime.js).
//
// The relay is a second Node process that starts the kernel with its jsii
// channel on fd 3, copies every request from its stdin to that fd and
// every response back to its stdout, and wraps whatever the kernel writes
// to its stdout and stderr into the protocol's console messages, a line
// {"stdout"|"stderr": base64} each on its own stderr: two more process hops
// on each of the about 1,700 calls of a prd synth, and one more Node start
// before the first.
//
// bin/jsii-node gives the kernel the app's pipes instead: the request pipe
// on fd 3, the response pipe on fd 4, the app's stderr pipe on fds 1 and 2.
// Here, in the kernel's process:
//   - the kernel's writes to fd 3 (fs.writeSync; it reads fd 3 with
//     fs.readSync) go to fd 4. Nothing else can hold fd 3, which
//     bin/jsii-node opened before Node started.
//   - writes to stdout and stderr (process.stdout, process.stderr, console,
//     fs.writeSync to fd 1 or 2) become the same console messages the relay
//     wrote, so the app prints them as before, on the same stream. What
//     bypasses Node's streams (a child process inheriting fd 1 or 2, Node's
//     own fatal errors) reaches the app as raw lines, which it prints as
//     they are, unless a line is itself a JSON object.
// JSII_NODE_TRACE=FILE: a line in FILE says this is in use.
'use strict';

const fs = require('fs');
const { isMainThread } = require('worker_threads');

const DIRECT = Symbol.for('eks-platform.jsii-node.direct');
const writeSync = fs.writeSync;

// Writes all of data to fd: the app's pipes may be non-blocking, so EAGAIN
// is retried after a pause, as the kernel's own writes do.
function writeAll(fd, data) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let offset = 0;
  let backoff = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset);
      backoff = 0;
    } catch (err) {
      if (err.code !== 'EAGAIN') {
        throw err;
      }
      backoff = Math.min(Math.max(backoff * 2, 1), 10);
      Atomics.wait(pause, 0, 0, backoff);
    }
  }
}

function consoleMessage(stream, bytes) {
  writeAll(2, Buffer.from(`${JSON.stringify({ [stream]: bytes.toString('base64') })}\n`));
}

// The bytes fs.writeSync(fd, data, ...rest) would write.
function bytesOf(data, rest) {
  if (typeof data === 'string') {
    const encoding = [rest[0], rest[1]].find((a) => typeof a === 'string') || 'utf8';
    return Buffer.from(data, encoding);
  }
  const whole = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const options = rest[0] !== null && typeof rest[0] === 'object' ? rest[0] : { offset: rest[0], length: rest[1] };
  const offset = options.offset || 0;
  const length = options.length == null ? whole.length - offset : options.length;
  return whole.subarray(offset, offset + length);
}

// Turns every write to this thread's process.stdout and process.stderr
// into console messages on fd 2, written before write returns.
function wrapConsoleStreams() {
  for (const [name, stream] of [['stdout', process.stdout], ['stderr', process.stderr]]) {
    stream.write = function (chunk, encoding, callback) {
      if (typeof encoding === 'function') {
        callback = encoding;
        encoding = undefined;
      }
      const bytes = typeof chunk === 'string'
        ? Buffer.from(chunk, encoding || 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      consoleMessage(name, bytes);
      if (callback) {
        process.nextTick(callback);
      }
      return true;
    };
  }
}

if (isMainThread && !globalThis[DIRECT]) {
  globalThis[DIRECT] = true;
  fs.writeSync = function (fd, data, ...rest) {
    if (fd === 3) {
      return writeSync.call(this, 4, data, ...rest);
    }
    if (fd === 1 || fd === 2) {
      const bytes = bytesOf(data, rest);
      consoleMessage(fd === 1 ? 'stdout' : 'stderr', bytes);
      return bytes.length;
    }
    return writeSync.call(this, fd, data, ...rest);
  };
  wrapConsoleStreams();
  if (process.env.JSII_NODE_TRACE) {
    fs.appendFileSync(process.env.JSII_NODE_TRACE, 'direct: the kernel on the app\'s pipes\n');
  }
}

module.exports = { DIRECT, wrapConsoleStreams };
