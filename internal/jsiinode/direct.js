// Preloaded by bin/jsii-node when it starts jsii's kernel (lib/program.js)
// itself instead of jsii's relay (bin/jsii-runtime.js).
//
// The relay is a second Node process that starts the kernel with its jsii
// channel on fd 3 and copies every request from its stdin to that fd and
// every response back to its stdout: two more process hops on each of the
// about 1,700 calls of a prd synth, and one more Node start before the
// first. bin/jsii-node gives the kernel the app's pipes instead: the
// request pipe on fd 3 and the response pipe on fd 4. The kernel reads
// its requests from fd 3 and writes its responses to fd 3 with
// fs.readSync and fs.writeSync; this moves those writes to fd 4. Nothing
// else in the process can hold fd 3, which bin/jsii-node opened before
// Node started. JSII_NODE_TRACE=FILE: a line in FILE says it is in use.
'use strict';

const { isMainThread } = require('worker_threads');

if (isMainThread) {
  const fs = require('fs');
  const writeSync = fs.writeSync;
  fs.writeSync = function (fd, ...rest) {
    return writeSync.call(this, fd === 3 ? 4 : fd, ...rest);
  };
  if (process.env.JSII_NODE_TRACE) {
    fs.appendFileSync(process.env.JSII_NODE_TRACE, 'direct: the kernel on the app\'s pipes\n');
  }
}
