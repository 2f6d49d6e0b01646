// The automation server's own rules: a taken port, a second client, and never outliving
// the process that started it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const WebSocket = require('ws');
const { cliPath, root, gone, until } = require('./support');

const project = path.join(root, 'sample_wxml');

function exited(child) {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

function connect(port) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function request(socket, id, method, params = {}) {
  return new Promise((resolve) => {
    const onMessage = (data) => {
      const frame = JSON.parse(data);
      if (frame.id === id) {
        socket.off('message', onMessage);
        resolve(frame);
      }
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ id, method, params }));
  });
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

test('a taken port: exit status 2 and a message naming the port', async () => {
  const holder = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => holder.once('listening', resolve));
  const { port } = holder.address();
  const child = spawn(cliPath, ['auto', '--project', project, '--auto-port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const { code } = await exited(child);
  holder.close();
  assert.equal(code, 2);
  assert.match(stderr, new RegExp(`port ${port} is in use`));
});

test('one client at a time; bad frames are answered; Tool.close is answered before the exit', async () => {
  const mark = `automator-server-${process.pid}-${Date.now()}`;
  const port = await freePort();
  const child = spawn(cliPath, ['auto', '--project', project, '--auto-port', String(port)], {
    stdio: 'ignore',
    env: { ...process.env, SUPERAPP_TEST_MARK: mark }
  });
  const status = exited(child);
  const first = await until(() => connect(port).catch(() => null), 30000);
  const second = await connect(port);
  const closed = await new Promise((resolve) => second.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  assert.deepEqual(closed, { code: 1008, reason: 'another automation client is attached' });

  // Bad frames get a defined answer, and the server goes on.
  const noJson = new Promise((resolve) => first.once('message', (data) => resolve(JSON.parse(data))));
  first.send('not json');
  assert.match((await noJson).error.message, /^bad frame: not JSON/);
  assert.deepEqual(await request(first, 'bad', 'App.callWxMethod', { method: 'no.such' }), {
    id: 'bad',
    error: { message: 'App.callWxMethod: method must be a JS identifier, got "no.such"' }
  });
  assert.equal((await request(first, 'i', 'Tool.getInfo')).result.SDKVersion, '3.0.0');

  assert.deepEqual(await request(first, 'c', 'Tool.close'), { id: 'c', result: {} });
  assert.deepEqual(await status, { code: 0, signal: null });
  assert.deepEqual(await gone(mark, 3000), []);
});

test('when the process that started it dies, the shell and its Xvfb end within 2 s', async () => {
  const mark = `automator-orphan-${process.pid}-${Date.now()}`;
  const port = await freePort();
  // A launcher that starts `superapp auto` and is then killed outright (as a crashed test
  // runner would be).
  const launcher = spawn(
    process.execPath,
    ['-e', `require('child_process').spawn(${JSON.stringify(cliPath)}, ['auto', '--project', ${JSON.stringify(project)}, '--auto-port', '${port}'], { stdio: 'ignore' }); setInterval(() => {}, 1000);`],
    { stdio: 'ignore', env: { ...process.env, SUPERAPP_TEST_MARK: mark } }
  );
  const socket = await until(() => connect(port).catch(() => null), 30000);
  assert.equal((await request(socket, 'i', 'Tool.getInfo')).result.SDKVersion, '3.0.0');
  launcher.kill('SIGKILL');
  const killedAt = Date.now();
  assert.deepEqual(await gone(mark, 2000), []);
  assert.ok(Date.now() - killedAt <= 2000);
});
