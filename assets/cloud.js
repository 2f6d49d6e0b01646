// superapp-shell: wx.cloud, WeChat's cloud development, on both page kinds. A desktop has
// no WeChat cloud behind it: each call is answered by a mock rule (`--mock` file, a host
// registration or the automator) of its name, and without one fails with
// `wx.cloud needs WeChat's cloud: answer it with --mock "<name>"`, never a TypeError:
// - `cloud.callFunction NAME`: wx.cloud.callFunction({name, data}) gets the rule's result
//   ({result: ...});
// - `cloud.database COLLECTION`: every operation of db.collection(COLLECTION) and its query
//   chain (where, orderBy, skip, limit, field, doc, get, count, add, update, set, remove,
//   watch); the rule's result answers it (`{data: [...]}` for get; a doc's get takes the
//   item with that _id, count counts the data);
// - `cloud.uploadFile`, `cloud.downloadFile`, `cloud.getTempFileURL`, `cloud.deleteFile`,
//   `cloud.callContainer`.
// The mock sees what was asked as its call's data ({op, where, orderBy, ...}).
(function () {
  'use strict';
  var sa = window.__superapp, wx = window.wx;
  if (!sa || !wx || window.__superappCloud) return;
  window.__superappCloud = true;

  function isFunction(v) { return typeof v === 'function'; }
  function plain(value) { return value === undefined ? undefined : JSON.parse(JSON.stringify(value)); }

  // Asks the rule `rule` (a registry name); `shape(res)` makes WeChat's answer of it.
  function ask(api, rule, data, opts, shape) {
    opts = opts || {};
    var promise;
    var done = {
      success: function (res) {
        delete res.errMsg;
        var out;
        try { out = shape ? shape(res) : res; } catch (err) { return finish(false, api + ':fail ' + err.message); }
        finish(true, out);
      },
      fail: function (res) {
        var why = String(res.errMsg || '').replace(/^[^:]*:fail /, '');
        if (/is not registered/.test(why)) why = 'wx.cloud needs WeChat\'s cloud: answer it with --mock "' + rule + '"';
        finish(false, why);
      }
    };
    function finish(ok, value) {
      if (ok) {
        delete value.errMsg;
        sa.succeed(api, callbacks, value);
      } else {
        sa.fail(api, callbacks, value);
      }
    }
    var callbacks = opts;
    if (!isFunction(opts.success) && !isFunction(opts.fail) && !isFunction(opts.complete)) {
      promise = new Promise(function (resolve, reject) { callbacks = { success: resolve, fail: reject }; });
    }
    sa.invoke(api, rule, plain(data) || {}, done);
    return promise;
  }

  function Query(collection, state) {
    this._collection = collection;
    this._state = state || {};
  }
  function step(name) {
    return function () {
      var next = Object.assign({}, this._state);
      next[name] = arguments.length > 1 ? Array.prototype.slice.call(arguments) : arguments[0];
      if (name === 'orderBy') next.orderBy = (this._state.orderBy || []).concat([Array.prototype.slice.call(arguments)]);
      return new Query(this._collection, next);
    };
  }
  ['where', 'orderBy', 'skip', 'limit', 'field', 'aggregate'].forEach(function (name) { Query.prototype[name] = step(name); });
  Query.prototype._ask = function (op, opts, extra, shape) {
    var data = Object.assign({ op: op, collection: this._collection }, this._state, extra || {});
    return ask('cloud.database.' + op, 'cloud.database ' + this._collection, data, opts, shape);
  };
  Query.prototype.get = function (opts) {
    var doc = this._state.doc;
    return this._ask('get', opts, null, function (res) {
      var list = Array.isArray(res.data) ? res.data : res.data === undefined ? [] : [res.data];
      if (doc === undefined) return { data: list };
      var found = list.filter(function (item) { return item && item._id === doc; })[0] || list[0];
      if (!found) throw new Error('document.get:fail document with _id ' + doc + ' does not exist');
      return { data: found };
    });
  };
  Query.prototype.count = function (opts) {
    return this._ask('count', opts, null, function (res) {
      return { total: typeof res.total === 'number' ? res.total : Array.isArray(res.data) ? res.data.length : 0 };
    });
  };
  Query.prototype.add = function (opts) {
    opts = opts || {};
    return this._ask('add', opts, { data: opts.data }, function (res) {
      return { _id: res._id || 'superapp-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8) };
    });
  };
  ['update', 'set', 'remove'].forEach(function (op) {
    Query.prototype[op] = function (opts) {
      opts = opts || {};
      return this._ask(op, opts, { data: opts.data }, function (res) {
        return { stats: res.stats || { updated: op === 'remove' ? 0 : 1, removed: op === 'remove' ? 1 : 0 } };
      });
    };
  });
  Query.prototype.doc = function (id) { var next = Object.assign({}, this._state, { doc: id }); return new Query(this._collection, next); };
  Query.prototype.watch = function (opts) {
    opts = opts || {};
    this.get({
      success: function (res) { if (isFunction(opts.onChange)) opts.onChange({ docs: res.data, docChanges: [], type: 'init' }); },
      fail: function (err) { if (isFunction(opts.onError)) opts.onError(err); }
    });
    return { close: function () { return Promise.resolve(); } };
  };

  // db.command: the operators of a query or an update, as plain markers the mock sees.
  function operator(name) { return function (value) { var m = {}; m['$' + name] = plain(value); return m; }; }
  var command = {};
  ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'and', 'or', 'nor', 'not', 'exists', 'size', 'all', 'elemMatch',
    'set', 'remove', 'inc', 'mul', 'push', 'pop', 'shift', 'unshift', 'min', 'max', 'rename', 'geoNear', 'geoWithin'
  ].forEach(function (name) { command[name] = operator(name); });
  command.aggregate = {};

  function database() {
    return {
      collection: function (name) { return new Query(String(name)); },
      command: command,
      serverDate: function (opts) { return { $date: 'serverDate', offset: (opts && opts.offset) || 0 }; },
      RegExp: function (opts) { return { $regex: opts && opts.regexp, $options: (opts && opts.options) || '' }; },
      Geo: { Point: function (lng, lat) { return { type: 'Point', coordinates: [lng, lat] }; } },
      startTransaction: function () { return Promise.reject({ errMsg: 'startTransaction:fail not supported on this desktop' }); }
    };
  }

  wx.cloud = {
    /** Accepted: the rules answer whatever env it names. */
    init: function () {},
    database: database,
    callFunction: function (opts) {
      opts = opts || {};
      var name = String(opts.name || '');
      return ask('cloud.callFunction', 'cloud.callFunction ' + name, { name: name, data: opts.data }, opts, function (res) {
        return { result: Object.prototype.hasOwnProperty.call(res, 'result') ? res.result : res, requestID: 'superapp' };
      });
    },
    callContainer: function (opts) { opts = opts || {}; return ask('cloud.callContainer', 'cloud.callContainer', opts, opts); },
    uploadFile: function (opts) { opts = opts || {}; return ask('cloud.uploadFile', 'cloud.uploadFile', opts, opts); },
    downloadFile: function (opts) { opts = opts || {}; return ask('cloud.downloadFile', 'cloud.downloadFile', opts, opts); },
    getTempFileURL: function (opts) { opts = opts || {}; return ask('cloud.getTempFileURL', 'cloud.getTempFileURL', opts, opts); },
    deleteFile: function (opts) { opts = opts || {}; return ask('cloud.deleteFile', 'cloud.deleteFile', opts, opts); }
  };
  /** new wx.cloud.Cloud({resourceEnv}): another env, answered by the same rules. */
  wx.cloud.Cloud = function () { return wx.cloud; };
})();
