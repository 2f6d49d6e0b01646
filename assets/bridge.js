// superapp-shell JS bridge: injected into every page before its own scripts run.
//
// Gives pages wx.invokeNativePlugin and the host events, the built-in wx APIs (routing,
// storage, UI, system), the mini program's extApi, and Page(), App(), getApp(),
// getCurrentPages() with their lifecycle. Calls go to Rust over window.ipc (asynchronous)
// or a synchronous XMLHttpRequest (sync forms). The wire format is described in
// src/core/protocol.rs. window.__SUPERAPP_CONFIG__ is set by the shell just before this
// script, as JSON.
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

  // Messages made in one JS turn leave together, as one JSON array, at the end of the
  // turn: a burst of calls costs one IPC message instead of one each.
  var outgoing = [];
  var flushQueued = false;
  function flushOutgoing() {
    flushQueued = false;
    if (!outgoing.length) return;
    var batch = outgoing;
    outgoing = [];
    window.ipc.postMessage(batch.length === 1 ? batch[0] : '[' + batch.join(',') + ']');
  }
  function send(message) {
    outgoing.push(message);
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flushOutgoing);
    }
  }

  function isFunction(value) {
    return typeof value === 'function';
  }

  // A page callback that throws must not stop the delivery of other answers. The error is
  // reported as an uncaught one (assets/console.js); `failedLoad` when it stopped the page
  // from loading (its onLoad).
  function callSafely(fn, arg, what, failedLoad) {
    try {
      fn(arg);
    } catch (err) {
      if (window.__superappReportError) window.__superappReportError(err, failedLoad);
      else console.error('[superapp] ' + what + ' callback threw', err);
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
    if (ok && entry.transform) {
      try {
        res = entry.transform(res);
      } catch (err) {
        res = { errMsg: entry.api + ':fail ' + err.message };
        ok = false;
      }
    }
    var opts = entry.opts;
    if (entry.within) {
      entry.within(function () { answer(entry, opts, ok, res); });
      return;
    }
    answer(entry, opts, ok, res);
  }

  function answer(entry, opts, ok, res) {
    if (ok && isFunction(opts.success)) callSafely(opts.success, res, 'success');
    if (!ok && isFunction(opts.fail)) callSafely(opts.fail, res, 'fail');
    if (isFunction(opts.complete)) callSafely(opts.complete, res, 'complete');
    if (entry.resolve && !ok && entry.page !== undefined && res && typeof res === 'object') {
      // (left unhandled, the rejection is the calling page's, whatever page is on top
      // when it is reported: assets/console.js)
      try { Object.defineProperty(res, '__superappPage', { value: entry.page, configurable: true }); } catch (err) { /* frozen */ }
    }
    if (entry.resolve) (ok ? entry.resolve : entry.reject)(res);
  }

  function encode(callbackId, api, apiName, data, stateEvent) {
    return JSON.stringify({
      type: 'invoke',
      callbackId: callbackId,
      api: api,
      api_name: apiName,
      data: data,
      stateEvent: stateEvent,
      // In a WXML logic context: the page whose code is running (set by logic_main.js).
      page: window.__superappActivePage
    });
  }

  // Fails a call without sending it (its data cannot be encoded), answering as usual.
  function failLocally(api, opts, reason) {
    return answerLocally(api, opts, { errMsg: api + ':fail ' + reason });
  }

  // A success answered in the page (what the shell decides without Rust), in WeChat's form.
  function succeedLocally(api, opts, res) {
    res.errMsg = api + ':ok';
    return answerLocally(api, opts, res);
  }

  function answerLocally(api, opts, res) {
    var entry = { api: api, opts: opts };
    var promise;
    if (!isFunction(opts.success) && !isFunction(opts.fail) && !isFunction(opts.complete)) {
      promise = new Promise(function (resolve, reject) {
        entry.resolve = resolve;
        entry.reject = reject;
      });
    }
    route(entry, res);
    return promise;
  }

  // An asynchronous call. Returns a Promise when no callback is given.
  function invokeAsync(api, apiName, data, opts, transform) {
    var callbackId = nextCallbackId++;
    var stateEvent = (typeof apiName === 'string' ? apiName : 'call') + '_' + callbackId;
    var entry = { api: api, opts: opts, stateEvent: stateEvent, transform: transform, page: window.__superappActivePage };
    // In a WXML logic context: the callbacks run as the page that made the call.
    if (window.__superappBind) entry.within = bindPage(function (fn) { fn(); });
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
      return failLocally(api, opts, 'data is not JSON: ' + err.message);
    }
    pending.set(callbackId, entry);
    if (isFunction(opts.progress)) progressListeners.set(stateEvent, opts.progress);
    send(message);
    return promise;
  }

  // A synchronous call: blocks the page until Rust answers. Returns the success res or
  // throws an Error whose message is the errMsg and which carries the fail fields.
  function invokeSync(api, apiName, data) {
    var callbackId = nextCallbackId++;
    var stateEvent = (typeof apiName === 'string' ? apiName : 'call') + '_' + callbackId;
    var res;
    flushOutgoing(); // calls made earlier in this turn go first
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

  // ---- Page, App, lifecycle -------------------------------------------------------

  var pageObject = null;
  var appObject = null;
  var currentPages = config.pages || [];

  function callHook(target, name, arg) {
    if (target && isFunction(target[name])) {
      callSafely(function (a) { target[name].call(target, a); }, arg, name, name === 'onLoad');
    }
  }

  function copy(object) {
    return JSON.parse(JSON.stringify(object || {}));
  }

  // Runs a hook the shell sent, then tells the shell it is done (hooks run one page at
  // a time, in WeChat's order). The shell sends onLoad only after this page said its
  // document is ready and every earlier hook of every page has finished.
  var unloaded = false;
  var loaded = false;
  function runHook(message) {
    if (message.hook === 'onLoad') {
      if (loaded) return;
      loaded = true;
      runLoad();
    } else {
      if (message.hook === 'onUnload') unloaded = true;
      // (the shell decides whether the App or the page goes first: src/core/lifecycle.rs)
      if (message.app && message.appFirst) callHook(appObject, message.hook);
      callHook(pageObject, message.hook);
      if (message.app && !message.appFirst) callHook(appObject, message.hook);
    }
    send(JSON.stringify({ type: 'hookDone', hook: message.hook }));
  }

  function runLoad() {
    if (config.launch) {
      var launchOptions = { path: config.route, query: copy(config.query) };
      callHook(appObject, 'onLaunch', launchOptions);
      callHook(appObject, 'onShow', launchOptions);
    }
    if (pageObject && isFunction(pageObject.render)) {
      callSafely(function () { pageObject.render(pageObject.data); }, null, 'render');
    }
    callHook(pageObject, 'onLoad', copy(config.query));
    if (window.__superappLoaded) window.__superappLoaded();
    callHook(pageObject, 'onShow');
    var ready = false;
    // onReady: once, after the first render; never after onUnload (a page closed before
    // it rendered gets none).
    var fireReady = function () {
      if (ready || unloaded) return;
      ready = true;
      callHook(pageObject, 'onReady');
    };
    var afterLoad = function () {
      requestAnimationFrame(fireReady);
      setTimeout(fireReady, 100);
    };
    if (document.readyState === 'complete') afterLoad();
    else window.addEventListener('load', afterLoad);
  }

  // Pull-down refresh with a mouse, as in WeChat DevTools: press at the top of the page
  // and drag down 64 px. The shell runs onPullDownRefresh if the page's config has
  // enablePullDownRefresh (and shows its indicator until wx.stopPullDownRefresh()).
  var pull = null;
  document.addEventListener('mousedown', function (e) {
    var top = window.scrollY || document.documentElement.scrollTop || 0;
    pull = e.button === 0 && top <= 0 ? { y: e.clientY, fired: false } : null;
  }, true);
  document.addEventListener('mousemove', function (e) {
    if (!pull || pull.fired || !(e.buttons & 1) || e.clientY - pull.y < 64) return;
    pull.fired = true;
    // Refused where the config does not enable it: nothing to tell the page.
    invokeAsync('startPullDownRefresh', 'startPullDownRefresh', { gesture: true }, { fail: function () {} });
  }, true);
  document.addEventListener('mouseup', function () { pull = null; }, true);

  // The document is parsed (the page's scripts have called Page()): tell the shell.
  document.addEventListener('DOMContentLoaded', function () {
    send('{"type":"ready"}');
  });

  /** Registers this page's object: data and lifecycle hooks (onLoad(query), onShow,
   *  onReady, onHide, onUnload), as WeChat's Page(): `this.data`, and
   *  `this.setData(changes, callback)` with path keys ('a.b', 'list[1].x'). An HTML page
   *  draws its data itself: its `render(data)` method, if it has one, runs before onLoad
   *  and after every setData; the callback runs once the page has painted. */
  // An HTML page's onResize({size}) when its window resizes (a WXML page's: render.js).
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (pageObject && !window.__wxmlRender) {
        callHook(pageObject, 'onResize', { size: { windowWidth: window.innerWidth, windowHeight: window.innerHeight } });
      }
    }, 50);
  });

  window.Page = function (object) {
    pageObject = object || {};
    pageObject.route = config.route;
    pageObject.options = copy(config.query);
    // Every entry of getCurrentPages() names its webview as webViewId, on both page kinds.
    pageObject.webViewId = config.webviewId;
    /** The channel to the page that opened this one with navigateTo({events}). */
    pageObject.getOpenerEventChannel = function () { return channelFor('opened', config.webviewId); };
    pageObject.data = object && object.data !== undefined ? copy(object.data) : {};
    pageObject.setData = function (changes, callback) {
      if (changes === null || typeof changes !== 'object') throw new TypeError('setData(changes: object, callback?)');
      Object.keys(changes).forEach(function (path) {
        window.__wxmlDataPath.set(pageObject.data, path, copy({ v: changes[path] }).v);
      });
      if (isFunction(pageObject.render)) callSafely(function () { pageObject.render(pageObject.data); }, null, 'render');
      if (isFunction(callback)) {
        requestAnimationFrame(function () { setTimeout(function () { callback.call(pageObject); }, 0); });
      }
    };
  };

  /** Registers the App object (from app.js). Each page has its own JS context, so each
   *  page has its own App instance: onLaunch runs in the first page only, and globalData
   *  is not shared between pages (use storage for that). */
  window.App = function (object) {
    appObject = object || {};
    if (!appObject.globalData) appObject.globalData = {};
  };

  /** The App object registered by app.js, or undefined. */
  window.getApp = function () {
    return appObject || undefined;
  };

  /** The page stack, home first, current last. This page's own entry is its page object
   *  (as WeChat's getCurrentPages() gives instances); the others, which live in other
   *  webviews, are {route, options, webViewId}. */
  window.getCurrentPages = function () {
    return currentPages.map(function (page) {
      if (pageObject && page.webViewId === config.webviewId) return pageObject;
      return { route: page.route, options: copy(page.options), webViewId: page.webViewId };
    });
  };

  // Handlers of message types added by other layers (the WXML runtime): type -> fn.
  var extensions = Object.create(null);

  // Called by the shell with a batch of messages (one evaluate_script per loop pass).
  function deliver(batch) {
    for (var i = 0; i < batch.length; i++) {
      var message = batch[i];
      if (extensions[message.type]) {
        callSafely(extensions[message.type], message, message.type);
      } else if (message.type === 'reply') {
        var entry = pending.get(message.callbackId);
        if (!entry) continue;
        pending.delete(message.callbackId);
        progressListeners.delete(entry.stateEvent);
        route(entry, message.res);
      } else if (message.type === 'state') {
        var progress = progressListeners.get(message.stateEvent);
        if (progress) callSafely(progress, message.data, 'progress');
      } else if (message.type === 'lifecycle') {
        runHook(message);
      } else if (message.type === 'channelEvent') {
        var end = channelFor(message.side, message.side === 'opener' ? message.token : message.opened);
        end.__receive(message.name, message.args || []);
      } else if (message.type === 'pageTask') {
        runPageTask(message);
      } else if (message.type === 'ping') {
        // (the shell's watchdog: this web process runs JS)
        send(JSON.stringify({ type: 'pong', seq: message.seq }));
      } else if (message.type === 'pages') {
        currentPages = message.pages;
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

  // WXML type selectors name components (`view`): the DOM's are `wx-view`. On a WXML
  // page's render webview, rewrites each type selector outside brackets, parentheses and
  // quotes; elsewhere a selector is the DOM's already.
  function domSelector(selector) {
    if (!window.__wxmlRender) return selector;
    var out = '';
    var depth = 0;
    var quote = null;
    var atStart = true;
    for (var i = 0; i < selector.length; i++) {
      var c = selector[i];
      if (quote) {
        out += c;
        if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '[' || c === '(') depth++;
      else if (c === ']' || c === ')') depth--;
      if (depth === 0 && atStart && /[a-zA-Z]/.test(c)) {
        var m = /^[a-zA-Z][\w-]*/.exec(selector.slice(i));
        var name = m[0];
        out += (name.indexOf('wx-') === 0 || name === 'html' || name === 'body') ? name : 'wx-' + name;
        i += name.length - 1;
        atStart = false;
        continue;
      }
      out += c;
      atStart = depth === 0 && /[\s>+~,]/.test(c);
    }
    return out;
  }

  // wx.pageScrollTo, carried out where the page is drawn (this HTML page, or a WXML page's
  // render webview): to `scrollTop`, or to the first match of `selector` plus `offsetTop`,
  // over `duration` ms; then the shell is told, and the call answered.
  function scrollPage(m, done) {
    var top = m.scrollTop;
    if (m.selector) {
      var el;
      try {
        el = document.querySelector(domSelector(m.selector));
      } catch (err) {
        done('selector ' + JSON.stringify(m.selector) + ' is not valid: ' + err.message);
        return;
      }
      if (!el) {
        done('no element matches ' + JSON.stringify(m.selector));
        return;
      }
      top = el.getBoundingClientRect().top + window.scrollY + (m.offsetTop || 0);
    }
    var root = document.scrollingElement || document.documentElement;
    top = Math.max(0, Math.min(top, root.scrollHeight - window.innerHeight));
    var from = window.scrollY;
    var finished = false;
    var finish = function () {
      if (finished) return;
      finished = true;
      window.scrollTo(0, top);
      done(null);
    };
    if (!m.duration || from === top) {
      finish();
      return;
    }
    // Eased frames; a timer finishes it should frames stop (a hidden page draws none).
    var start = null;
    var frame = function (now) {
      if (finished) return;
      if (start === null) start = now;
      var k = Math.min(1, (now - start) / m.duration);
      var eased = k < 0.5 ? 2 * k * k : 1 - Math.pow(-2 * k + 2, 2) / 2;
      window.scrollTo(0, from + (top - from) * eased);
      if (k < 1) requestAnimationFrame(frame);
      else finish();
    };
    requestAnimationFrame(frame);
    setTimeout(finish, m.duration + 250);
  }

  // A selector query's answer for one node: the fields asked for (WeChat's names).
  function nodeFields(el, fields) {
    var out = {};
    if (fields.id) out.id = el.id || '';
    if (fields.dataset) {
      out.dataset = window.__wxmlRender && window.__wxmlRender.dataset ? window.__wxmlRender.dataset(el) : copy(el.dataset || {});
    }
    var box = el === document.documentElement ? null : el.getBoundingClientRect();
    if (fields.rect) {
      if (box) { out.left = box.left; out.right = box.right; out.top = box.top; out.bottom = box.bottom; }
      else { out.left = 0; out.top = 0; out.right = window.innerWidth; out.bottom = window.innerHeight; }
    }
    if (fields.size) {
      out.width = box ? box.width : window.innerWidth;
      out.height = box ? box.height : window.innerHeight;
    }
    if (fields.scrollOffset) {
      var scroller = el === document.documentElement ? (document.scrollingElement || el) : el;
      out.scrollLeft = scroller.scrollLeft;
      out.scrollTop = scroller.scrollTop;
      out.scrollWidth = scroller.scrollWidth;
      out.scrollHeight = scroller.scrollHeight;
    }
    (fields.properties || []).forEach(function (name) { out[name] = copy({ v: el[name] }).v; });
    // A canvas's node: its number here (the page's JS gets a Canvas for it: canvas.js).
    if (fields.node && window.__superappCanvasId) {
      var canvasId = window.__superappCanvasId(el);
      if (canvasId !== null) out.node = { __canvas: canvasId, width: el.clientWidth, height: el.clientHeight };
    }
    if ((fields.computedStyle || []).length) {
      var style = getComputedStyle(el);
      fields.computedStyle.forEach(function (name) { out[name] = style.getPropertyValue(name.replace(/[A-Z]/g, function (c) { return '-' + c.toLowerCase(); })); });
    }
    return out;
  }

  // SelectorQuery.exec(): each query's answer, in order (null for a select with no match).
  function selectorQuery(queries) {
    return queries.map(function (q) {
      if (q.selector === null) return nodeFields(document.documentElement, q.fields);
      var found;
      if (window.__wxmlRender && window.__wxmlRender.select) {
        // (in a component with `in(component)`; `a >>> b` crosses into components)
        found = window.__wxmlRender.select(q.owner || document.documentElement, q.selector);
      } else {
        try { found = Array.prototype.slice.call(document.querySelectorAll(q.selector)); } catch (err) { found = []; }
      }
      if (q.single) return found.length ? nodeFields(found[0], q.fields) : null;
      return found.map(function (el) { return nodeFields(el, q.fields); });
    });
  }

  // Work the shell asks of this page where it is drawn (src/shell/mini_program/page_task.rs);
  // the answer is {type: 'pageTaskDone', seq, value | error}, exactly once.
  function runPageTask(m) {
    var done = function (error, value) {
      var answer = { type: 'pageTaskDone', seq: m.seq };
      if (error) answer.error = error;
      else answer.value = value === undefined ? null : value;
      send(JSON.stringify(answer));
    };
    try {
      if (m.op === 'scrollTo') scrollPage(m, done);
      else if (m.op === 'selectorQuery') done(null, selectorQuery(m.queries));
      else done('unknown page task ' + JSON.stringify(m.op));
    } catch (err) {
      done(String(err && err.message || err));
    }
  }

  var wx = window.wx || {};

  // In a WXML logic context, a listener runs as the page that added it (page_context.js).
  function bindPage(fn) {
    return window.__superappBind ? window.__superappBind(fn) : fn;
  }

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
    namedListeners.get(eventName).push(bindPage(cb));
  };

  /** Listens to every host event; cb receives {event, data}. Returns an id for off. */
  wx.onGeneralNativeEvent = function (cb) {
    if (!isFunction(cb)) throw new TypeError('wx.onGeneralNativeEvent(callback: function)');
    var id = nextListenerId++;
    generalListeners.set(id, bindPage(cb));
    return id;
  };

  /** Removes a listener added by wx.onGeneralNativeEvent. */
  wx.offGeneralNativeEvent = function (id) {
    generalListeners.delete(id);
  };

  // WeChat's logic layer has a `global` object shared by all modules (`global.isDemo =
  // true` in app.js); it is a plain object, not the JS global object, as there.
  if (typeof window.global === 'undefined') window.global = {};

  /** Whether this shell has an API or component: `wx.canIUse('showToast')`,
   *  `wx.canIUse('getSystemInfoSync.return.theme')`, `wx.canIUse('view')`. Answered from
   *  what `wx` really has and from the render layer's component table (config.components,
   *  src/core/builtins.rs); what follows the name (`.object.x`, `.return.x`) is not
   *  checked further. */
  wx.canIUse = function (schema) {
    if (typeof schema !== 'string' || !schema) throw new TypeError('wx.canIUse(schema: string)');
    var name = schema.split('.')[0];
    if (Object.prototype.hasOwnProperty.call(wx, name)) return true;
    return (config.components || []).indexOf(name) >= 0;
  };

  /** The mini program's account: {miniProgram: {appId, envVersion, version}, plugin}. */
  wx.getAccountInfoSync = function () {
    return copy(config.account || { miniProgram: { appId: config.appId, envVersion: 'develop', version: '' }, plugin: {} });
  };

  // The theme is chosen for the run (superapp run --theme): listeners are kept, and a
  // theme change (none happens within a run yet) would call them with {theme}.
  var themeListeners = [];
  /** Listens to theme changes: cb({theme}). */
  wx.onThemeChange = function (cb) {
    if (!isFunction(cb)) throw new TypeError('wx.onThemeChange(callback: function)');
    themeListeners.push(bindPage(cb));
  };
  /** Stops listening (one listener, or all without an argument). */
  wx.offThemeChange = function (cb) {
    themeListeners = cb ? themeListeners.filter(function (l) { return l !== cb; }) : [];
  };

  /** WeChat's environment values: the user data folder's path for file APIs. */
  wx.env = { USER_DATA_PATH: 'wxfile://usr' };

  /** wx.createSelectorQuery(): select(selector) / selectAll / selectViewport, each with
   *  boundingClientRect(cb), scrollOffset(cb) or fields({id, dataset, rect, size,
   *  scrollOffset, properties, computedStyle}, cb); exec(cb) asks the page where it is
   *  drawn and calls back with every answer, in order. `in(component)` selects within
   *  the component's own template, with its class names as it scopes them. */
  wx.createSelectorQuery = function () {
    var queries = [];
    var callbacks = [];
    var query = {};
    var owner = 0;
    function nodes(selector, single) {
      var add = function (fields, cb) {
        queries.push({ selector: selector, single: single, fields: fields, owner: owner });
        callbacks.push(isFunction(cb) ? bindPage(cb) : null);
        return query;
      };
      return {
        boundingClientRect: function (cb) { return add({ id: true, dataset: true, rect: true, size: true }, cb); },
        scrollOffset: function (cb) { return add({ id: true, dataset: true, scrollOffset: true }, cb); },
        fields: function (fields, cb) { return add(fields || {}, cb); },
        /** node(cb): the node itself (a canvas's Canvas). */
        node: function (cb) { return add({ node: true }, cb); }
      };
    }
    query.in = function (component) {
      owner = component && component.__id !== undefined ? component.__id : 0;
      return query;
    };
    query.select = function (selector) { return nodes(String(selector), true); };
    query.selectAll = function (selector) { return nodes(String(selector), false); };
    query.selectViewport = function () { return nodes(null, true); };
    query.exec = function (cb) {
      var done = isFunction(cb) ? bindPage(cb) : null;
      invokeAsync('createSelectorQuery', '__selectorQuery', { queries: queries }, {
        success: function (res) {
          var answers = res.value || [];
          // A canvas node's marker becomes the page JS's Canvas (canvas.js).
          if (window.__superappCanvasNode) {
            var nodeOf = function (a) {
              if (a && a.node && a.node.__canvas !== undefined) a.node = window.__superappCanvasNode(a.node);
              return a;
            };
            answers = answers.map(function (a) { return Array.isArray(a) ? a.map(nodeOf) : nodeOf(a); });
          }
          callbacks.forEach(function (fn, i) { if (fn) callSafely(fn, answers[i], 'SelectorQuery callback'); });
          if (done) callSafely(done, answers, 'SelectorQuery.exec');
        },
        fail: function (res) {
          if (window.__superappReportError) window.__superappReportError(new Error(res.errMsg), false);
        }
      });
      return query;
    };
    return query;
  };

  /** wx.request({url, method, header, data, dataType, responseType, timeout, success,
   *  fail, complete}): done by the shell in Rust (src/net/request.rs); returns a
   *  RequestTask whose abort() stops it (it then fails with `request:fail abort`). */
  var nextRequestTask = 1;
  var requestPrefix = Math.random().toString(36).slice(2) + '-';
  wx.request = function (opts) {
    opts = opts || {};
    var task = requestPrefix + nextRequestTask++;
    var data = dataOf(opts);
    data.__task = task;
    var listeners = [];
    // An ArrayBuffer answer travels as base64. Header listeners hear the headers first.
    var transform = function (res) {
      listeners.forEach(function (l) {
        callSafely(l.bound, { header: res.header, statusCode: res.statusCode, cookies: res.cookies }, 'onHeadersReceived');
      });
      if (res && res.__arrayBuffer) {
        res.data = fromBase64(res.data);
        delete res.__arrayBuffer;
      }
      return res;
    };
    // (WeChat's wx.request has no Promise form: it returns its task)
    var callbacks = { success: opts.success, fail: opts.fail, complete: isFunction(opts.complete) ? opts.complete : function () {} };
    invokeAsync('request', 'request', data, callbacks, transform);
    return {
      abort: function () { invokeAsync('request', '__abortRequest', { task: task }, { complete: function () {} }); },
      onHeadersReceived: function (cb) { if (isFunction(cb)) listeners.push({ cb: cb, bound: bindPage(cb) }); },
      offHeadersReceived: function (cb) { listeners = cb ? listeners.filter(function (l) { return l.cb !== cb; }) : []; }
    };
  };

  // Bytes travel as base64: an ArrayBuffer answer is marked `__arrayBuffer`, an
  // ArrayBuffer given is sent so.
  function fromBase64(text) {
    var bytes = atob(String(text || ''));
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) buffer[i] = bytes.charCodeAt(i);
    return buffer.buffer;
  }
  function toBase64(buffer) {
    var view = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    var text = '';
    for (var i = 0; i < view.length; i += 0x8000) text += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
    return btoa(text);
  }
  function withBytes(data) {
    if (data && (data.data instanceof ArrayBuffer || ArrayBuffer.isView(data.data))) {
      data.data = toBase64(data.data);
      data.__arrayBuffer = true;
    }
    return data;
  }
  // A file answer as WeChat gives it: bytes as an ArrayBuffer, stats with isFile() and
  // isDirectory().
  function fileAnswer(res) {
    if (res && res.__arrayBuffer) { res.data = fromBase64(res.data); delete res.__arrayBuffer; }
    var statsOf = function (s) {
      if (!s || typeof s !== 'object') return s;
      var file = !!s.isFile, dir = !!s.isDirectory;
      s.isFile = function () { return file; };
      s.isDirectory = function () { return dir; };
      return s;
    };
    if (res && res.stats) {
      if (Array.isArray(res.stats)) res.stats.forEach(function (e) { statsOf(e.stats); });
      else statsOf(res.stats);
    }
    return res;
  }
  // One file operation (src/files/fs.rs): async with callbacks or a Promise, or sync.
  function fileOp(op, data, opts) {
    data = withBytes(Object.assign({ op: op }, data));
    return invokeAsync(op, '__fileSystem', data, opts || {}, fileAnswer);
  }
  function fileOpSync(op, data) {
    data = withBytes(Object.assign({ op: op }, data));
    return fileAnswer(invokeSync(op + 'Sync', '__fileSystem', data));
  }

  /** wx.getFileSystemManager(): the mini program's files (`wx.env.USER_DATA_PATH`, its
   *  temporary and saved files, and its package, read only), kept by the shell under its
   *  data directory (src/files/). Each method has WeChat's async form and, where WeChat
   *  has one, its Sync form. */
  var fileSystemManager = null;
  wx.getFileSystemManager = function () {
    if (fileSystemManager) return fileSystemManager;
    var m = {};
    ['access', 'stat', 'getFileInfo', 'readFile', 'writeFile', 'appendFile', 'copyFile', 'rename', 'unlink', 'mkdir',
      'rmdir', 'readdir', 'truncate', 'saveFile', 'getSavedFileList', 'removeSavedFile'].forEach(function (op) {
      m[op] = function (opts) { opts = opts || {}; return fileOp(op, dataOf(opts), opts); };
    });
    m.accessSync = function (path) { fileOpSync('access', { path: path }); };
    m.statSync = function (path, recursive) { return fileOpSync('stat', { path: path, recursive: !!recursive }).stats; };
    m.readFileSync = function (filePath, encoding, position, length) {
      return fileOpSync('readFile', { filePath: filePath, encoding: encoding, position: position, length: length }).data;
    };
    m.writeFileSync = function (filePath, data, encoding) { fileOpSync('writeFile', { filePath: filePath, data: data, encoding: encoding }); };
    m.appendFileSync = function (filePath, data, encoding) { fileOpSync('appendFile', { filePath: filePath, data: data, encoding: encoding }); };
    m.copyFileSync = function (srcPath, destPath) { fileOpSync('copyFile', { srcPath: srcPath, destPath: destPath }); };
    m.renameSync = function (oldPath, newPath) { fileOpSync('rename', { oldPath: oldPath, newPath: newPath }); };
    m.unlinkSync = function (filePath) { fileOpSync('unlink', { filePath: filePath }); };
    m.mkdirSync = function (dirPath, recursive) { fileOpSync('mkdir', { dirPath: dirPath, recursive: !!recursive }); };
    m.rmdirSync = function (dirPath, recursive) { fileOpSync('rmdir', { dirPath: dirPath, recursive: !!recursive }); };
    m.readdirSync = function (dirPath) { return fileOpSync('readdir', { dirPath: dirPath }).files; };
    m.truncateSync = function (opts) { fileOpSync('truncate', dataOf(opts || {})); };
    m.saveFileSync = function (tempFilePath, filePath) {
      return fileOpSync('saveFile', filePath === undefined ? { tempFilePath: tempFilePath } : { tempFilePath: tempFilePath, filePath: filePath }).savedFilePath;
    };
    fileSystemManager = m;
    return m;
  };
  /** wx.saveFile / getSavedFileList / removeSavedFile / getSavedFileInfo: kept files. */
  wx.saveFile = function (opts) { opts = opts || {}; return fileOp('saveFile', dataOf(opts), opts); };
  wx.getSavedFileList = function (opts) { opts = opts || {}; return fileOp('getSavedFileList', {}, opts); };
  wx.removeSavedFile = function (opts) { opts = opts || {}; return fileOp('removeSavedFile', dataOf(opts), opts); };
  wx.getSavedFileInfo = function (opts) {
    opts = opts || {};
    return invokeAsync('getSavedFileInfo', '__fileSystem', { op: 'stat', path: opts.filePath }, opts, function (res) {
      return { errMsg: res.errMsg, size: res.stats ? res.stats.size : 0, createTime: res.stats ? res.stats.lastModifiedTime : 0 };
    });
  };

  /** wx.downloadFile({url, header, timeout, filePath}) and wx.uploadFile({url, filePath,
   *  name, header, formData, timeout}): done by the shell (src/net/transfer.rs); each
   *  returns its task (abort, onProgressUpdate, onHeadersReceived). */
  function transfer(api, opts) {
    opts = opts || {};
    var task = requestPrefix + nextRequestTask++;
    var data = dataOf(opts);
    data.__task = task;
    var progress = [], headers = [];
    var callbacks = {
      success: opts.success, fail: opts.fail, complete: isFunction(opts.complete) ? opts.complete : function () {},
      // (the shell's states: the answer's headers once, then the progress)
      progress: function (state) {
        if (state && state.headersReceived) {
          headers.forEach(function (l) { callSafely(l.bound, state.headersReceived, 'onHeadersReceived'); });
        } else {
          progress.forEach(function (l) { callSafely(l.bound, state, 'onProgressUpdate'); });
        }
      }
    };
    invokeAsync(api, api, data, callbacks);
    var listen = function (list) { return function (cb) { if (isFunction(cb)) list.push({ cb: cb, bound: bindPage(cb) }); }; };
    var unlisten = function (list) {
      return function (cb) {
        var kept = cb ? list.filter(function (l) { return l.cb !== cb; }) : [];
        list.length = 0;
        Array.prototype.push.apply(list, kept);
      };
    };
    return {
      abort: function () { invokeAsync(api, '__abortRequest', { task: task }, { complete: function () {} }); },
      onProgressUpdate: listen(progress),
      offProgressUpdate: unlisten(progress),
      onHeadersReceived: listen(headers),
      offHeadersReceived: unlisten(headers)
    };
  }
  wx.downloadFile = function (opts) { return transfer('downloadFile', opts); };
  wx.uploadFile = function (opts) { return transfer('uploadFile', opts); };

  // Intersections where a page is drawn: the `targets` (the first, or all with
  // observeAll) against `rootEl` (null: the viewport) with the margins; each change of an
  // element's ratio is a result, the first only when it differs from initialRatio, as in
  // WeChat. Returns the function that stops it.
  function rectOf(r) {
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  }
  window.__superappIntersections = {
    observe: function (spec, targets, rootEl, onResult) {
      if (!spec.observeAll) targets = targets.slice(0, 1);
      var margins = spec.margins || {};
      var px = function (n) { return (Number(n) || 0) + 'px'; };
      var ratios = new Map();
      var io = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          var ratio = entry.intersectionRatio;
          var previous = ratios.has(entry.target) ? ratios.get(entry.target) : spec.initialRatio || 0;
          ratios.set(entry.target, ratio);
          if (previous === ratio) return;
          var st = entry.target.__wx;
          onResult({
            id: entry.target.id || '',
            dataset: JSON.parse(JSON.stringify(st ? st.dataset : Object.assign({}, entry.target.dataset))),
            intersectionRatio: ratio, intersectionRect: rectOf(entry.intersectionRect),
            boundingClientRect: rectOf(entry.boundingClientRect),
            relativeRect: rectOf(entry.rootBounds || { left: 0, right: 0, top: 0, bottom: 0, width: 0, height: 0 }),
            time: Math.round(entry.time)
          });
        });
      }, {
        root: rootEl,
        rootMargin: [px(margins.top), px(margins.right), px(margins.bottom), px(margins.left)].join(' '),
        threshold: spec.thresholds && spec.thresholds.length ? spec.thresholds : [0]
      });
      targets.forEach(function (t) { io.observe(t); });
      return function () { io.disconnect(); };
    }
  };

  /** wx.createIntersectionObserver(component?, {thresholds, initialRatio, observeAll}):
   *  relativeTo(selector, margins) or relativeToViewport(margins), then
   *  observe(selector, callback) with {id, dataset, intersectionRatio, intersectionRect,
   *  boundingClientRect, relativeRect, time}; disconnect(). In a WXML logic context the
   *  page's render webview watches (selectors within the component's own template). */
  var nextObserver = 1;
  wx.createIntersectionObserver = function (component, options) {
    var isOwner = component && typeof component === 'object' &&
      (component.webViewId !== undefined || component.__id !== undefined);
    if (!isOwner) { options = options || component; component = null; }
    options = options || {};
    var relative = null, margins = {}, id = null;
    var backend = window.__wxmlIntersection ? window.__wxmlIntersection(component) : {
      observe: function (spec, cb) {
        var all = function (sel) { try { return Array.prototype.slice.call(document.querySelectorAll(sel)); } catch (e) { return []; } };
        var rootEl = spec.relativeTo ? all(spec.relativeTo)[0] || null : null;
        return window.__superappIntersections.observe(spec, all(spec.selector), rootEl, cb);
      }
    };
    var stop = null;
    var observer = {
      relativeTo: function (selector, m) { relative = String(selector); margins = m || {}; return observer; },
      relativeToViewport: function (m) { relative = null; margins = m || {}; return observer; },
      observe: function (selector, cb) {
        if (stop) stop();
        id = nextObserver++;
        stop = backend.observe({
          observer: id, selector: String(selector), relativeTo: relative, margins: margins,
          thresholds: options.thresholds || [0], initialRatio: options.initialRatio || 0, observeAll: !!options.observeAll
        }, isFunction(cb) ? bindPage(cb) : function () {});
      },
      disconnect: function () { if (stop) stop(); stop = null; }
    };
    return observer;
  };

  // ---- what a desktop has and has not (src/core/builtins.rs, DESKTOP) ------------------
  var desktop = config.desktop || { silent_events: [], unsupported: [], reports: [] };
  // Events a desktop never raises: the listeners are kept, and never called.
  desktop.silent_events.forEach(function (event) {
    var listeners = [];
    wx['on' + event] = function (cb) { if (isFunction(cb)) listeners.push(cb); };
    wx['off' + event] = function (cb) { listeners = cb ? listeners.filter(function (l) { return l !== cb; }) : []; };
  });
  // Hardware a desktop lacks: a clear failure, in WeChat's form.
  desktop.unsupported.forEach(function (name) {
    wx[name] = function (opts) { return failLocally(name, opts || {}, 'not supported on this desktop'); };
  });
  // Reports to WeChat's servers: there is none; the console keeps them (debug level).
  desktop.reports.forEach(function (name) {
    wx[name] = function () { console.debug('[superapp] wx.' + name, Array.prototype.slice.call(arguments)); };
  });
  // The contexts of components no desktop can honour (camera, live video, maps): every
  // method fails clearly.
  (desktop.contexts || []).forEach(function (name) {
    wx[name] = function () {
      var kind = name.replace(/^create/, '');
      return new Proxy({}, {
        get: function (target, method) {
          if (typeof method !== 'string' || method === 'then') return undefined;
          return function (opts) {
            return failLocally(kind + '.' + method, opts && typeof opts === 'object' ? opts : {}, 'not supported on this desktop');
          };
        }
      });
    };
  });
  /** wx.getNetworkType(): the desktop's network, as WeChat DevTools reports it (`wifi`). */
  wx.getNetworkType = function (opts) {
    return succeedLocally('getNetworkType', opts || {}, { networkType: 'wifi', signalStrength: 0, hasSystemProxy: false });
  };
  /** wx.getExptInfoSync(keys): WeChat's A/B experiments; a desktop takes part in none. */
  wx.getExptInfoSync = function () { return {}; };

  /** wx.createWorker(scriptPath): a real Web Worker running the package's script (its
   *  path from the package root, as app.json's `workers` folder has it) with WeChat's
   *  `worker` global (assets/worker.js). One at a time, as in WeChat. */
  var liveWorker = null;
  wx.createWorker = function (scriptPath) {
    if (typeof scriptPath !== 'string' || !scriptPath) throw new TypeError('wx.createWorker(scriptPath: string)');
    if (liveWorker) throw new Error('wx.createWorker: a worker is running; terminate() it first');
    var path = scriptPath.replace(/^\/+/, '');
    var real = new Worker('/__superapp/worker.js?script=' + encodeURIComponent(path));
    var listeners = [];
    real.onmessage = function (e) { listeners.forEach(function (cb) { callSafely(cb, e.data, 'Worker.onMessage'); }); };
    real.onerror = function (e) {
      if (window.__superappReportError) window.__superappReportError(new Error('worker ' + path + ': ' + e.message), false);
    };
    var handle = {
      postMessage: function (data) { real.postMessage(data); },
      onMessage: function (cb) { if (isFunction(cb)) listeners.push(bindPage(cb)); },
      onProcessKilled: function () {},
      terminate: function () { real.terminate(); if (liveWorker === handle) liveWorker = null; }
    };
    liveWorker = handle;
    return handle;
  };

  // WebKitGTK's media player (GStreamer) cannot read the superapp:// scheme (WebKit bug
  // 146351): a package file is fetched and played from a blob URL; other URLs (http,
  // https, data, blob) play as they are. `apply(url)` gets the address to play; a file
  // that cannot be read gives it the original address (and the media's own error).
  var mediaBlobs = {};
  // An HTML page's own <video>/<audio> (and their <source>s) with a package address: the
  // same, as the page writes them (a WXML page's media go through controls.js).
  function playable(el) {
    if (el.__superappMediaFor === el.getAttribute('src')) return;
    var src = el.getAttribute('src');
    if (!src || /^(blob|data|https?):/.test(src)) return;
    el.__superappMediaFor = src;
    window.__superappMediaSrc(src, function (url) {
      if (el.getAttribute('src') !== src || url === src) return;
      el.__superappMediaFor = url;
      el.setAttribute('src', url);
      var media = el.localName === 'source' ? el.parentNode : el;
      if (media && media.load && el.localName === 'source') media.load();
    });
  }
  function watchMedia() {
    if (window.__wxmlRender || window.__wxmlLogic || !window.MutationObserver) return;
    var scan = function (root) {
      if (root.nodeType !== 1) return;
      if (/^(video|audio|source)$/.test(root.localName)) playable(root);
      Array.prototype.forEach.call(root.querySelectorAll('video[src], audio[src], source[src]'), playable);
    };
    scan(document.documentElement);
    new MutationObserver(function (records) {
      records.forEach(function (r) {
        if (r.type === 'attributes') playable(r.target);
        else Array.prototype.forEach.call(r.addedNodes, scan);
      });
    }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['src'] });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watchMedia);
  else watchMedia();
  window.__superappMediaSrc = function (src, apply) {
    if (!src) { apply(''); return; }
    if (/^wxfile:\/\//.test(src)) src = '/__superapp/wxfile/' + src.slice('wxfile://'.length);
    var url;
    try { url = new URL(src, document.baseURI); } catch (err) { apply(src); return; }
    if (url.protocol !== location.protocol) { apply(src); return; }
    var key = url.href;
    if (mediaBlobs[key]) { apply(mediaBlobs[key]); return; }
    fetch(key).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.blob();
    }).then(function (blob) {
      mediaBlobs[key] = URL.createObjectURL(blob);
      apply(mediaBlobs[key]);
    }, function () { apply(src); });
  };

  /** A media element's context method (VideoContext): play, pause, stop, seek(position),
   *  playbackRate(rate), requestFullScreen, exitFullScreen. Returns null, or why not. */
  window.__superappMediaCall = function (host, method, args) {
    var media = host && (host.localName === 'video' ? host : host.querySelector('video'));
    if (!media) return 'no video element';
    switch (method) {
      case 'play':
        // (before its address is ready, play waits for it)
        if (host.__wx && host.__wx.mediaSrc && media.getAttribute('src') === null) { host.__wx.playWhenReady = true; return null; }
        media.play().catch(function () {});
        return null;
      case 'pause': media.pause(); return null;
      case 'stop': media.pause(); media.currentTime = 0; return null;
      case 'seek': media.currentTime = Number(args[0]) || 0; return null;
      case 'playbackRate': media.playbackRate = Number(args[0]) || 1; return null;
      case 'requestFullScreen': if (media.requestFullscreen) media.requestFullscreen().catch(function () {}); return null;
      case 'exitFullScreen': if (document.fullscreenElement) document.exitFullscreen().catch(function () {}); return null;
      default: return 'unknown method ' + method;
    }
  };

  /** wx.createVideoContext(id, component?): play, pause, stop, seek(position),
   *  playbackRate(rate), requestFullScreen, exitFullScreen on the <video> of that id
   *  (where the page is drawn: a WXML page's render webview). */
  wx.createVideoContext = function (id, component) {
    var call = window.__wxmlMedia ? window.__wxmlMedia(component, String(id)) : function (method, args) {
      var why = window.__superappMediaCall(document.getElementById(String(id)), method, args);
      if (why) console.warn('[superapp] VideoContext ' + id + '.' + method + ': ' + why);
    };
    var context = {};
    ['play', 'pause', 'stop', 'seek', 'playbackRate', 'requestFullScreen', 'exitFullScreen'].forEach(function (method) {
      context[method] = function () { call(method, Array.prototype.slice.call(arguments)); };
    });
    return context;
  };

  /** wx.createInnerAudioContext(): audio played by this webview (WebKit's media stack):
   *  src (a package path or a URL), autoplay, loop, volume, startTime, playbackRate;
   *  currentTime, duration, paused, buffered; play, pause, stop, seek, destroy; and the
   *  on/off pairs of canplay, play, pause, stop, ended, timeUpdate, error, waiting,
   *  seeking, seeked. */
  wx.createInnerAudioContext = function () {
    var audio = new Audio();
    var listeners = {};
    var events = ['Canplay', 'Play', 'Pause', 'Stop', 'Ended', 'TimeUpdate', 'Error', 'Waiting', 'Seeking', 'Seeked'];
    var emit = function (name, arg) { (listeners[name] || []).forEach(function (cb) { callSafely(cb, arg, 'InnerAudioContext.on' + name); }); };
    var dom = { canplay: 'Canplay', play: 'Play', pause: 'Pause', ended: 'Ended', timeupdate: 'TimeUpdate', waiting: 'Waiting', seeking: 'Seeking', seeked: 'Seeked' };
    Object.keys(dom).forEach(function (type) { audio.addEventListener(type, function () { emit(dom[type]); }); });
    audio.addEventListener('error', function () {
      var error = audio.error;
      emit('Error', { errMsg: 'MEDIA_ERR ' + (error ? error.code + ' ' + (error.message || '') : 'unknown'), errCode: error ? error.code : -1 });
    });
    var startTime = 0;
    var given = '';
    var pendingPlay = false;
    var play = function () {
      // (before its address is ready, play() waits for it)
      if (given && audio.getAttribute('src') === null) { pendingPlay = true; return; }
      if (startTime && !audio.currentTime) audio.currentTime = startTime;
      audio.play().catch(function () {});
    };
    var context = {
      play: play,
      pause: function () { audio.pause(); },
      stop: function () { audio.pause(); audio.currentTime = 0; emit('Stop'); },
      seek: function (position) { audio.currentTime = Number(position) || 0; },
      destroy: function () { audio.pause(); audio.removeAttribute('src'); audio.load(); listeners = {}; }
    };
    events.forEach(function (name) {
      context['on' + name] = function (cb) { if (isFunction(cb)) (listeners[name] = listeners[name] || []).push(bindPage(cb)); };
      context['off' + name] = function () { listeners[name] = []; };
    });
    Object.defineProperties(context, {
      src: {
        get: function () { return given; },
        set: function (v) {
          var src = String(v || '');
          // A package path (relative or absolute) is the package's file.
          if (src && !/^[a-z][a-z0-9+.-]*:/i.test(src) && src.charAt(0) !== '/') src = '/' + src;
          given = src;
          window.__superappMediaSrc(src, function (url) {
            if (given !== src) return;
            audio.setAttribute('src', url);
            if (pendingPlay || audio.autoplay) { pendingPlay = false; play(); }
          });
        }
      },
      autoplay: { get: function () { return audio.autoplay; }, set: function (v) { audio.autoplay = !!v; } },
      loop: { get: function () { return audio.loop; }, set: function (v) { audio.loop = !!v; } },
      volume: { get: function () { return audio.volume; }, set: function (v) { audio.volume = Math.min(1, Math.max(0, Number(v) || 0)); } },
      playbackRate: { get: function () { return audio.playbackRate; }, set: function (v) { audio.playbackRate = Number(v) || 1; } },
      startTime: { get: function () { return startTime; }, set: function (v) { startTime = Number(v) || 0; } },
      currentTime: { get: function () { return audio.currentTime; } },
      duration: { get: function () { return isFinite(audio.duration) ? audio.duration : 0; } },
      paused: { get: function () { return audio.paused; } },
      buffered: { get: function () { return audio.buffered.length ? audio.buffered.end(audio.buffered.length - 1) : 0; } }
    });
    return context;
  };

  /** Runs `fn` after the current synchronous work (and the setData calls it made). */
  wx.nextTick = function (fn) {
    if (!isFunction(fn)) throw new TypeError('wx.nextTick(callback: function)');
    Promise.resolve().then(bindPage(fn));
  };

  // ---- built-in APIs ---------------------------------------------------------------

  // The options object without its callbacks: what goes to Rust as data.
  function dataOf(opts) {
    var data = {};
    Object.keys(opts || {}).forEach(function (key) {
      if (!isFunction(opts[key])) data[key] = opts[key];
    });
    return data;
  }

  function asyncApi(name, apiName) {
    return function (opts) {
      opts = opts || {};
      return invokeAsync(name, apiName, dataOf(opts), opts);
    };
  }

  // A synchronous getter: returns the answer without errMsg, throws on failure.
  function syncGetter(api, apiName) {
    return function () {
      var res = invokeSync(api, apiName, {});
      delete res.errMsg;
      return res;
    };
  }

  // The built-ins, declared once in Rust (src/core/builtins.rs, WX_FUNCTIONS) and passed
  // in the config: {wx, api, form}. 'storage' ones are written below by hand.
  (config.wxFunctions || []).forEach(function (f) {
    if (f.form === 'async') wx[f.wx] = asyncApi(f.wx, f.api);
    else if (f.form === 'syncGetter') wx[f.wx] = syncGetter(f.wx, f.api);
  });

  // Storage values travel as {data: <string>, dataType} (the TCSAS encoding) so that
  // every type comes back as it went in, Date included.
  function encodeValue(value) {
    if (value === undefined) return { data: '', dataType: 'Undefined' };
    if (value === null) return { data: 'null', dataType: 'Null' };
    if (value instanceof Date) {
      if (isNaN(value.getTime())) throw new TypeError('an invalid Date cannot be stored');
      return { data: value.toISOString(), dataType: 'Date' };
    }
    switch (typeof value) {
      case 'string': return { data: value, dataType: 'String' };
      case 'number': return { data: String(value), dataType: 'Number' };
      case 'boolean': return { data: String(value), dataType: 'Boolean' };
      case 'object':
        return { data: JSON.stringify(value), dataType: Array.isArray(value) ? 'Array' : 'Object' };
      default: throw new TypeError('a ' + typeof value + ' cannot be stored');
    }
  }

  function decodeValue(data, dataType) {
    switch (dataType) {
      case 'String': return data;
      case 'Number': return Number(data);
      case 'Boolean': return data === 'true';
      case 'Date': return new Date(data);
      case 'Array': case 'Object': return JSON.parse(data);
      case 'Undefined': return undefined;
      case 'Null': return null;
      default: return data;
    }
  }

  function decodeRes(res) {
    res.data = decodeValue(res.data, res.dataType);
    delete res.dataType;
    return res;
  }

  function storageData(key, value) {
    var encoded = encodeValue(value);
    return { key: key, data: encoded.data, dataType: encoded.dataType };
  }

  wx.setStorage = function (opts) {
    opts = opts || {};
    var data;
    try {
      data = storageData(opts.key, opts.data);
    } catch (err) {
      return failLocally('setStorage', opts, err.message);
    }
    return invokeAsync('setStorage', 'setStorage', data, opts);
  };
  wx.getStorage = function (opts) {
    opts = opts || {};
    return invokeAsync('getStorage', 'getStorage', { key: opts.key }, opts, decodeRes);
  };
  wx.setStorageSync = function (key, value) {
    var data;
    try {
      data = storageData(key, value);
    } catch (err) {
      var error = new Error('setStorageSync:fail ' + err.message);
      error.errMsg = error.message;
      throw error;
    }
    invokeSync('setStorageSync', 'setStorage', data);
  };
  /** Returns the stored value, or '' when the key holds nothing (as WeChat does). */
  wx.getStorageSync = function (key) {
    try {
      return decodeRes(invokeSync('getStorageSync', 'getStorage', { key: key })).data;
    } catch (err) {
      if (String(err.message).indexOf('data not found') >= 0) return '';
      throw err;
    }
  };
  wx.removeStorageSync = function (key) {
    invokeSync('removeStorageSync', 'removeStorage', { key: key });
  };
  wx.clearStorageSync = function () {
    invokeSync('clearStorageSync', 'clearStorage', {});
  };

  // ---- EventChannel (navigateTo({events}), res.eventChannel, getOpenerEventChannel) ---

  // Both ends of every channel this context holds: 'opener:<token>' (the token is this
  // context's own name for a channel it opened), 'opened:<webviewId>'. Events cross through
  // the shell (src/core/event_channel.rs). An event that arrives while its end has no
  // listener for its name is kept and handed to the first listener that subscribes to it.
  var channels = Object.create(null);
  var nextChannel = 1;

  function channelFor(side, key) {
    var id = side + ':' + key;
    if (!channels[id]) channels[id] = new EventChannel(side, String(key));
    return channels[id];
  }

  /** One end of a channel between an opener page and the page it opened. */
  function EventChannel(side, key) {
    Object.defineProperty(this, '__end', { value: { side: side, key: key, listeners: {}, kept: {} } });
  }
  /** Sends an event to the other end: emit(name, ...args). */
  EventChannel.prototype.emit = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    var end = this.__end;
    send(JSON.stringify({
      type: 'channelEmit', side: end.side, key: end.key, name: String(name), args: args,
      page: window.__superappActivePage
    }));
  };
  function listen(channel, name, fn, once) {
    if (!isFunction(fn)) throw new TypeError('EventChannel.' + (once ? 'once' : 'on') + '(eventName, callback: function)');
    var end = channel.__end;
    (end.listeners[name] || (end.listeners[name] = [])).push({ fn: bindPage(fn), original: fn, once: once });
    var kept = end.kept[name];
    if (kept) {
      delete end.kept[name];
      kept.forEach(function (args) { channel.__receive(name, args); });
    }
  }
  /** Listens to an event from the other end. */
  EventChannel.prototype.on = function (name, fn) { listen(this, name, fn, false); };
  /** Listens to the next event of this name only. */
  EventChannel.prototype.once = function (name, fn) { listen(this, name, fn, true); };
  /** Removes one listener of an event, or all of them when fn is not given. */
  EventChannel.prototype.off = function (name, fn) {
    var listeners = this.__end.listeners;
    if (!listeners[name]) return;
    listeners[name] = fn === undefined ? [] : listeners[name].filter(function (l) { return l.original !== fn; });
  };
  Object.defineProperty(EventChannel.prototype, '__receive', {
    value: function (name, args) {
      var end = this.__end;
      var listeners = end.listeners[name];
      if (!listeners || !listeners.length) {
        (end.kept[name] || (end.kept[name] = [])).push(args);
        return;
      }
      end.listeners[name] = listeners.filter(function (l) { return !l.once; });
      listeners.forEach(function (l) {
        callSafely(function () { l.fn.apply(null, args); }, null, 'EventChannel ' + name);
      });
    }
  });

  // navigateTo({events}): the opener's end of the channel, in res.eventChannel.
  var navigateTo = wx.navigateTo;
  if (navigateTo) {
    wx.navigateTo = function (opts) {
      opts = opts || {};
      var token = 'c' + nextChannel++;
      var channel = channelFor('opener', token);
      var events = opts.events && typeof opts.events === 'object' ? opts.events : {};
      Object.keys(events).forEach(function (name) {
        if (isFunction(events[name])) channel.on(name, events[name]);
      });
      var data = dataOf(opts);
      delete data.events;
      data.eventChannel = token;
      return invokeAsync('navigateTo', 'navigateTo', data, opts, function (res) {
        res.eventChannel = channel;
        return res;
      });
    };
  }

  // Custom APIs the mini program declares in app.json's extApi: wx.<name>(opts).
  (config.extApi || []).forEach(function (api) {
    wx[api.name] = function (opts) {
      opts = opts || {};
      if (api.sync) return invokeSync(api.name, api.name, dataOf(opts));
      return invokeAsync(api.name, api.name, dataOf(opts), opts);
    };
  });

  window.wx = wx;
  Object.defineProperty(window, '__superapp', {
    value: Object.freeze({
      deliver: deliver,
      invoke: invoke,
      /** Answers a call in the page, in WeChat's form (callbacks or the Promise):
       *  succeed(api, opts, res) and fail(api, opts, reason). */
      succeed: succeedLocally,
      fail: failLocally,
      config: config,
      /** Handles messages of `type` from the shell instead of the bridge (WXML layers). */
      on: function (type, fn) {
        extensions[type] = fn;
      },
      /** Sends a message of the shell's protocol (src/core/protocol.rs). */
      post: function (message) {
        send(JSON.stringify(message));
      },
      /** A CSS selector with WXML type names as this webview's DOM names them. */
      domSelector: domSelector,
      /** One end of an EventChannel: side 'opener' or 'opened', key token or webview id. */
      eventChannel: channelFor,
      /** The page object this page registered with Page() (HTML pages). */
      page: function () {
        return pageObject;
      },
      pendingCount: function () {
        return pending.size;
      }
    }),
    writable: false,
    configurable: false
  });
})();
