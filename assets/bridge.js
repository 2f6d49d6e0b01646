// superapp-shell JS bridge: injected into every page before its own scripts run.
//
// Gives pages wx.invokeNativePlugin, wx.onNativePluginEvent, wx.onGeneralNativeEvent,
// wx.offGeneralNativeEvent and wx.exitMiniProgram, carried to Rust over window.ipc
// (asynchronous calls) or a synchronous XMLHttpRequest (sync: true). The wire format is
// described in src/core/protocol.rs. window.__SUPERAPP_CONFIG__ is set by the shell just
// before this script, as JSON.
(function () {
  'use strict';
  if (window.__superapp) return;

  var config = window.__SUPERAPP_CONFIG__ || {};
  var SYNC_URL = '/__superapp/invoke';
  var nextCallbackId = 1;
  var pending = new Map(); // callbackId -> {api, opts, stateEvent, resolve, reject}
  var progressListeners = new Map(); // stateEvent -> progress callback
  var namedListeners = new Map(); // event name -> [callback]
  var generalListeners = new Map(); // listener id -> callback
  var nextListenerId = 1;

  function isFunction(value) {
    return typeof value === 'function';
  }

  // A page callback that throws must not stop the delivery of other answers.
  function callSafely(fn, arg, what) {
    try {
      fn(arg);
    } catch (err) {
      console.error('[superapp] ' + what + ' callback threw', err);
    }
  }

  function startsWith(text, prefix) {
    return text.slice(0, prefix.length) === prefix;
  }

  // Normalises a native answer's errMsg as the TCSAS base library does.
  function normalise(api, res) {
    if (!res || typeof res !== 'object') res = {};
    if (typeof res.errMsg !== 'string') res.errMsg = api + ':ok';
    if (startsWith(res.errMsg, api + ':cancel')) {
      res.errMsg = api + ':fail cancel' + res.errMsg.slice((api + ':cancel').length);
    }
    return res;
  }

  function isOk(api, res) {
    return startsWith(res.errMsg, api + ':ok');
  }

  // Routes one final answer: success or fail, then complete, then the promise.
  function route(entry, res) {
    res = normalise(entry.api, res);
    var ok = isOk(entry.api, res);
    var opts = entry.opts;
    if (ok && isFunction(opts.success)) callSafely(opts.success, res, 'success');
    if (!ok && isFunction(opts.fail)) callSafely(opts.fail, res, 'fail');
    if (isFunction(opts.complete)) callSafely(opts.complete, res, 'complete');
    if (entry.resolve) (ok ? entry.resolve : entry.reject)(res);
  }

  function encode(callbackId, api, apiName, data, stateEvent) {
    return JSON.stringify({
      type: 'invoke',
      callbackId: callbackId,
      api: api,
      api_name: apiName,
      data: data,
      stateEvent: stateEvent
    });
  }

  // An asynchronous call. Returns a Promise when no callback is given.
  function invokeAsync(api, apiName, data, opts) {
    var callbackId = nextCallbackId++;
    var stateEvent = (typeof apiName === 'string' ? apiName : 'call') + '_' + callbackId;
    var entry = { api: api, opts: opts, stateEvent: stateEvent };
    var promise;
    if (!isFunction(opts.success) && !isFunction(opts.fail) && !isFunction(opts.complete)) {
      promise = new Promise(function (resolve, reject) {
        entry.resolve = resolve;
        entry.reject = reject;
      });
    }
    var message;
    try {
      message = encode(callbackId, api, apiName, data, stateEvent);
    } catch (err) {
      route(entry, { errMsg: api + ':fail data is not JSON: ' + err.message });
      return promise;
    }
    pending.set(callbackId, entry);
    if (isFunction(opts.progress)) progressListeners.set(stateEvent, opts.progress);
    window.ipc.postMessage(message);
    return promise;
  }

  // A synchronous call: blocks the page until Rust answers. Returns the success res or
  // throws an Error whose message is the errMsg and which carries the fail fields.
  function invokeSync(api, apiName, data) {
    var callbackId = nextCallbackId++;
    var stateEvent = (typeof apiName === 'string' ? apiName : 'call') + '_' + callbackId;
    var res;
    try {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', SYNC_URL, false);
      xhr.setRequestHeader('Content-Type', 'application/json');
      xhr.send(encode(callbackId, api, apiName, data, stateEvent));
      res = xhr.status === 200
        ? JSON.parse(xhr.responseText)
        : { errMsg: api + ':fail sync call refused: HTTP ' + xhr.status + ' ' + xhr.responseText };
    } catch (err) {
      res = { errMsg: api + ':fail ' + err.message };
    }
    res = normalise(api, res);
    if (isOk(api, res)) return res;
    var error = new Error(res.errMsg);
    Object.keys(res).forEach(function (key) {
      error[key] = res[key];
    });
    throw error;
  }

  function invoke(api, apiName, data, opts, sync) {
    if (sync) return invokeSync(api, apiName, data);
    return invokeAsync(api, apiName, data, opts || {});
  }

  // Called by the shell with a batch of messages (one evaluate_script per loop pass).
  function deliver(batch) {
    for (var i = 0; i < batch.length; i++) {
      var message = batch[i];
      if (message.type === 'reply') {
        var entry = pending.get(message.callbackId);
        if (!entry) continue;
        pending.delete(message.callbackId);
        progressListeners.delete(entry.stateEvent);
        route(entry, message.res);
      } else if (message.type === 'state') {
        var progress = progressListeners.get(message.stateEvent);
        if (progress) callSafely(progress, message.data, 'progress');
      } else if (message.type === 'event') {
        var named = namedListeners.get(message.event);
        if (named) {
          named.slice().forEach(function (cb) {
            callSafely(cb, message.data, 'onNativePluginEvent');
          });
        }
        Array.from(generalListeners.values()).forEach(function (cb) {
          callSafely(cb, { event: message.event, data: message.data }, 'onGeneralNativeEvent');
        });
      }
    }
  }

  var wx = window.wx || {};

  /** Calls a native API registered by the host. */
  wx.invokeNativePlugin = function (opts) {
    opts = opts || {};
    return invoke('invokeNativePlugin', opts.api_name, opts.data, opts, opts.sync === true);
  };

  /** Listens to the host's events of one name; cb receives the event's data. */
  wx.onNativePluginEvent = function (eventName, cb) {
    if (typeof eventName !== 'string' || !isFunction(cb)) {
      throw new TypeError('wx.onNativePluginEvent(eventName: string, callback: function)');
    }
    if (!namedListeners.has(eventName)) namedListeners.set(eventName, []);
    namedListeners.get(eventName).push(cb);
  };

  /** Listens to every host event; cb receives {event, data}. Returns an id for off. */
  wx.onGeneralNativeEvent = function (cb) {
    if (!isFunction(cb)) throw new TypeError('wx.onGeneralNativeEvent(callback: function)');
    var id = nextListenerId++;
    generalListeners.set(id, cb);
    return id;
  };

  /** Removes a listener added by wx.onGeneralNativeEvent. */
  wx.offGeneralNativeEvent = function (id) {
    generalListeners.delete(id);
  };

  /** Ends the mini program (the shell exits with status 0). */
  wx.exitMiniProgram = function (opts) {
    opts = opts || {};
    return invoke('exitMiniProgram', 'exitMiniProgram', {}, opts, false);
  };

  window.wx = wx;
  Object.defineProperty(window, '__superapp', {
    value: Object.freeze({
      deliver: deliver,
      invoke: invoke,
      config: config,
      pendingCount: function () {
        return pending.size;
      }
    }),
    writable: false,
    configurable: false
  });
})();
