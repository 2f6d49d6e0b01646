// Helpers of the automator suite: launching the real `superapp` binary through WeChat's
// own client, and finding the processes a launch left behind.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const automator = require('miniprogram-automator');

const root = path.resolve(__dirname, '..', '..');
/** The shell binary under test (cargo builds it for the Rust tests). */
const cliPath = process.env.SUPERAPP_BIN || path.join(root, 'target', 'debug', 'superapp');
let nextPort = 9520 + (process.pid % 200) * 2;

/** Launches `project` (a folder of this repository) exactly as a team's suite would. */
async function launch(project, mark) {
  // Every process of this launch (shell, WebKit, Xvfb) inherits the mark, and keeps its
  // storage in a fresh folder (not the user's data directory).
  process.env.SUPERAPP_TEST_MARK = mark;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'superapp-automator-'));
  process.env.SUPERAPP_DATA_DIR = data;
  process.on('exit', () => fs.rmSync(data, { recursive: true, force: true }));
  const port = nextPort++;
  const miniProgram = await automator.launch({ cliPath, projectPath: path.join(root, project), port });
  return { miniProgram, port };
}

/** The pids whose environment carries `mark`. */
function marked(mark) {
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (env.split('\0').includes(`SUPERAPP_TEST_MARK=${mark}`)) found.push(Number(entry));
    } catch (err) {
      // gone already, or not ours to read
    }
  }
  return found;
}

/** Waits (polling, up to `ms`) until no process carries `mark`; returns what is left. */
async function gone(mark, ms) {
  const end = Date.now() + ms;
  let left = marked(mark);
  while (left.length && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = marked(mark);
  }
  return left;
}

/** Polls `test` (async) every 50 ms until it is truthy, up to `ms`. */
async function until(test, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting for ' + test);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

module.exports = { cliPath, launch, marked, gone, until, root };
