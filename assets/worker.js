// superapp-shell: the start of a worker made by wx.createWorker(scriptPath). It runs in a
// real Web Worker (its own thread): `worker.onMessage(cb)` hears what the page posts,
// `worker.postMessage(data)` answers, and `require` loads the worker's modules (CommonJS,
// relative to the requiring file, `.js` optional) from the package. The entry script's
// path comes in the query: /__superapp/worker.js?script=workers/fib/index.js.
(function () {
  'use strict';
  var entry = new URL(self.location.href).searchParams.get('script') || '';
  var modules = {};

  function resolve(from, path) {
    var parts = path.charAt(0) === '/' ? [] : from.split('/').slice(0, -1);
    path.split('/').forEach(function (segment) {
      if (segment === '' || segment === '.') return;
      if (segment === '..') parts.pop();
      else parts.push(segment);
    });
    var resolved = parts.join('/');
    return /\.js$/.test(resolved) ? resolved : resolved + '.js';
  }

  function load(path) {
    if (modules[path]) return modules[path].exports;
    var xhr = new XMLHttpRequest();
    xhr.open('GET', '/' + path, false);
    xhr.send();
    if (xhr.status !== 200) throw new Error('worker module "' + path + '" could not be loaded: HTTP ' + xhr.status);
    var module = { exports: {}, id: path };
    modules[path] = module;
    var factory = new Function('require', 'module', 'exports', 'worker', xhr.responseText + '\n//# sourceURL=' + path);
    try {
      factory.call(module.exports, function (p) { return load(resolve(path, p)); }, module, module.exports, self.worker);
    } catch (err) {
      delete modules[path];
      throw err;
    }
    return module.exports;
  }

  var listeners = [];
  self.onmessage = function (e) {
    listeners.forEach(function (cb) { cb(e.data); });
  };
  /** WeChat's worker global. */
  self.worker = {
    onMessage: function (cb) { if (typeof cb === 'function') listeners.push(cb); },
    postMessage: function (data) { self.postMessage(data); },
    /** A worker cannot be starved of memory here: the callback is kept and not called. */
    onProcessKilled: function () {},
    getCameraFrameData: undefined
  };
  load(resolve('', entry));
})();
