// superapp-shell: WeChat's Component() and Behavior() in the logic context. A page built
// with Component({...}) becomes the page definition logic.js instantiates (this file); the
// custom components of templates are the "Components" work, not yet rendered.
//
// A page from Component():
// - data: each behavior's, then the component's own; each property's default (or the
//   page query's value of the same name, converted to the property's type);
// - methods (page hooks such as onLoad live there, as WeChat says) and behaviors' methods;
// - lifetimes (in `lifetimes` or at the top level): created and attached run before
//   onLoad, ready with onReady, detached with onUnload; pageLifetimes show/hide with
//   onShow/onHide. Behaviors' lifetimes run before the component's own.
// `this.properties` is `this.data`, as in WeChat.
//
// A custom component (a tag of `usingComponents`): the render layer creates its instances
// (a host element in the page) and sends their properties; here each instance gets its
// data (behaviors', properties' defaults, its own), its methods, its lifetimes (created,
// attached, ready once first rendered, detached; pageLifetimes show and hide) and
// observers (a property's `observer`, and `observers` by field). `setData` goes to the
// render layer; `triggerEvent(name, detail, {bubbles, composed})` fires the event on its
// host element there, where the owner's `bind:name` handler hears it.
(function () {
  'use strict';
  if (window.__wxmlComponent) return;

  function isFunction(value) { return typeof value === 'function'; }
  var copy = window.__wxmlDataPath.copy;
  var keep = window.__wxmlDataPath.keep;
  var toRender = window.__wxmlDataPath.toRender;

  // definitionFilter: a behavior may rewrite the definition of whatever lists it (a
  // component, a page built with Component(), another behavior) before it is registered:
  // `definitionFilter(defFields, definitionFilterArr)`, where the array holds the filters
  // of the behavior's own behaviors, for it to call (miniprogram-computed's computed and
  // watch are built so).
  function hasFilter(b) { return !!b && typeof b === 'object' && isFunction(b.definitionFilter); }
  function filtersOf(behavior) {
    return (behavior.behaviors || []).filter(hasFilter).map(function (b) {
      return function (defFields) { return b.definitionFilter(defFields, filtersOf(b)); };
    });
  }
  /** Runs the definitionFilter of each behavior `definition` lists, on it; returns it. */
  function filtered(definition) {
    if (definition.__superappFiltered) return definition; // (once per definition)
    (definition.behaviors || []).filter(hasFilter).forEach(function (b) {
      b.definitionFilter(definition, filtersOf(b));
    });
    try { Object.defineProperty(definition, '__superappFiltered', { value: true }); } catch (err) { /* frozen */ }
    return definition;
  }

  /** Behavior(definition): a mixin for Component({behaviors: [...]}). */
  function Behavior(definition) {
    var behavior = filtered(Object.assign({}, definition || {}));
    Object.defineProperty(behavior, '__behavior', { value: true });
    return behavior;
  }

  // WeChat's built-in behaviors, named by string: a form field has `name` and `value`
  // (what a form's submit reads); the others add nothing a desktop needs.
  var BUILT_IN = {
    'wx://form-field': { properties: { name: { type: String, value: '' }, value: { type: null, value: '' } } },
    'wx://form-field-group': {},
    'wx://form-field-button': {},
    'wx://component-export': {}
  };

  // The behaviors of a definition, depth first, each once, then the definition itself.
  function flatten(definition, out, seen) {
    out = out || [];
    seen = seen || [];
    (definition.behaviors || []).map(function (b) { return typeof b === 'string' ? BUILT_IN[b] : b; }).forEach(function (b) {
      if (b && typeof b === 'object' && seen.indexOf(b) < 0) {
        seen.push(b);
        flatten(b, out, seen);
      }
    });
    out.push(definition);
    return out;
  }

  var TYPE_DEFAULTS = [[String, ''], [Number, 0], [Boolean, false], [Object, null], [Array, []]];

  function propertySpec(spec) {
    if (spec && typeof spec === 'object' && !Array.isArray(spec)) return { type: spec.type, value: spec.value };
    return { type: spec, value: undefined };
  }

  function typeDefault(type) {
    for (var i = 0; i < TYPE_DEFAULTS.length; i++) {
      if (TYPE_DEFAULTS[i][0] === type) return copy(TYPE_DEFAULTS[i][1]);
    }
    return null;
  }

  // A query value (always a string) as the property's type.
  function fromQuery(type, text) {
    if (type === Number) return Number(text);
    if (type === Boolean) return text !== 'false' && text !== '0' && text !== '';
    if (type === Object || type === Array) {
      try { return JSON.parse(text); } catch (err) { return typeDefault(type); }
    }
    return text;
  }

  /** The page definition of a page built with Component(definition). */
  function asPage(definition) {
    var parts = flatten(filtered(definition || {}));
    var page = { data: {} };
    var properties = {};
    parts.forEach(function (part) {
      Object.keys(part.properties || {}).forEach(function (name) {
        var spec = propertySpec(part.properties[name]);
        properties[name] = spec;
        page.data[name] = spec.value !== undefined ? keep(spec.value) : typeDefault(spec.type);
      });
      Object.assign(page.data, keep(part.data || {}));
      Object.keys(part.methods || {}).forEach(function (name) { page[name] = part.methods[name]; });
    });
    function lifetimes(name) {
      return parts.map(function (part) {
        return (part.lifetimes && part.lifetimes[name]) || part[name];
      }).filter(isFunction);
    }
    function pageLifetimes(name) {
      return parts.map(function (part) { return part.pageLifetimes && part.pageLifetimes[name]; }).filter(isFunction);
    }
    function run(list, self, arg) { list.forEach(function (fn) { fn.call(self, arg); }); }
    var own = { onLoad: page.onLoad, onShow: page.onShow, onHide: page.onHide, onReady: page.onReady, onUnload: page.onUnload };
    /** The query's values of properties, set before the page's first render. */
    page.__propertiesFromQuery = function (data, query) {
      Object.keys(query || {}).forEach(function (name) {
        if (properties[name]) data[name] = fromQuery(properties[name].type, query[name]);
      });
    };
    page.onLoad = function (query) {
      var self = this;
      self.properties = self.data;
      run(lifetimes('created'), self);
      run(lifetimes('attached'), self);
      if (isFunction(own.onLoad)) own.onLoad.call(self, query);
    };
    // Each page hook runs the component's (and behaviors') lifetimes, then the page's own.
    [['onShow', pageLifetimes('show')], ['onHide', pageLifetimes('hide')],
      ['onReady', lifetimes('ready')], ['onUnload', lifetimes('detached')]].forEach(function (hook) {
      var name = hook[0], before = hook[1];
      page[name] = function () {
        run(before, this);
        if (isFunction(own[name])) own[name].call(this);
      };
    });
    /** A page has no parent to hear its events: triggerEvent does nothing. */
    page.triggerEvent = function () {};
    return page;
  }

  // A property's value from the owner, as its type.
  function asType(type, value) {
    if (value === undefined || value === null) return value === null && type !== Object && type !== Array ? typeDefault(type) : value;
    if (type === Number) { var n = Number(value); return isNaN(n) ? 0 : n; }
    if (type === String) return typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (type === Boolean) return !!value && value !== 'false';
    return value;
  }

  // A relation's path (relative to the component's own, or absolute) as a component path.
  function joinPath(from, relative) {
    var parts = relative.charAt(0) === '/' ? [] : from.split('/').slice(0, -1);
    relative.split('/').forEach(function (segment) {
      if (segment === '' || segment === '.') return;
      if (segment === '..') parts.pop();
      else parts.push(segment);
    });
    return parts.join('/').replace(/\.js$/, '');
  }

  function same(a, b) { return a === b || JSON.stringify(a) === JSON.stringify(b); }

  // The fields an `observers` key watches: 'a, b.c, list[0]' -> ['a', 'b', 'list']; '**' all.
  function watched(key) {
    return key.split(',').map(function (part) { return part.trim().split(/[.[]/)[0]; });
  }

  /** A custom component instance: definition (given to Component()), the component's
   *  path, its id, and `send(message)` to its render layer. */
  function instantiate(definition, path, id, send, webviewId) {
    var parts = flatten(definition || {});
    var properties = {};
    // (`renderer`: which of WeChat's renderers runs it; here always the WebView model)
    var self = { data: {}, is: path, id: '', dataset: {}, renderer: 'webview', __id: id, __webviewId: webviewId };
    var observers = [];
    parts.forEach(function (part) {
      Object.keys(part.properties || {}).forEach(function (name) {
        var raw = part.properties[name];
        var spec = propertySpec(raw);
        spec.observer = raw && typeof raw === 'object' ? raw.observer : undefined;
        properties[name] = spec;
        self.data[name] = spec.value !== undefined ? keep(spec.value) : typeDefault(spec.type);
      });
      Object.assign(self.data, keep(part.data || {}));
      Object.keys(part.methods || {}).forEach(function (name) { self[name] = part.methods[name]; });
      Object.keys(part.observers || {}).forEach(function (key) {
        observers.push({ fields: watched(key), key: key, fn: part.observers[key] });
      });
    });
    self.properties = self.data;
    /** Whether it has behavior `b` (WeChat's `this.hasBehavior`). */
    self.hasBehavior = function (b) { return parts.indexOf(b) >= 0; };
    var lifetimes = function (name) {
      return parts.map(function (part) { return (part.lifetimes && part.lifetimes[name]) || part[name]; }).filter(isFunction);
    };
    var pageLifetimes = function (name) {
      return parts.map(function (part) { return part.pageLifetimes && part.pageLifetimes[name]; }).filter(isFunction);
    };
    var report = function (err) { if (window.__superappReportError) window.__superappReportError(err, false); };
    var run = function (list, args) {
      list.forEach(function (fn) { try { fn.apply(self, args || []); } catch (err) { report(err); } });
    };
    // Observers of the fields that changed (each runs once, with the watched values).
    var observe = function (changed) {
      observers.forEach(function (o) {
        var hit = o.fields.some(function (f) { return f === '**' || changed.indexOf(f) >= 0; });
        if (!hit) return;
        var values = o.key.split(',').map(function (part) {
          var name = part.trim();
          return name === '**' ? self.data : window.__wxmlDataPath.get(self.data, name);
        });
        try { o.fn.apply(self, values); } catch (err) { report(err); }
      });
    };
    var nextSeq = 1;
    var callbacks = {};
    var early = []; // callbacks of setData before attached: run after the first render
    self.setData = function (changes, callback) {
      if (changes === null || typeof changes !== 'object') throw new TypeError('setData(changes: object, callback?)');
      var sent = {};
      Object.keys(changes).forEach(function (key) {
        // (functions and class objects stay as they are here; the render layer gets
        // references: data_path.js)
        var value = keep(changes[key]);
        window.__wxmlDataPath.set(self.data, key, value);
        sent[key] = toRender(value, webviewId);
      });
      if (!attached) {
        // Before attached (in created, or an observer of the first properties) its tree
        // is not drawn yet: the first data, sent as it attaches, carries this too. (Sent
        // alone, it would draw the template with this and none of its other data, which
        // WeChat never does: Vant's calendar then loops for ever on dates it lacks.)
        if (isFunction(callback)) early.push(callback);
      } else {
        var seq = nextSeq++;
        if (isFunction(callback)) callbacks[seq] = callback;
        send({ kind: 'data', id: id, seq: seq, data: sent });
      }
      observe(Object.keys(changes).map(function (k) { return k.split(/[.[]/)[0]; }));
    };
    /** Runs `fn`; its setData calls reach the render layer in one go, as they do here
     *  anyway (WeChat's `groupSetData`, which Vant's components call). */
    self.groupSetData = function (fn) { if (isFunction(fn)) fn.call(self); };
    self.triggerEvent = function (name, detail, options) {
      options = options || {};
      send({
        // (a function in the detail, such as an uploader's callback, reaches the handler)
        kind: 'trigger', id: id, name: String(name), detail: toRender(keep(detail === undefined ? {} : detail), webviewId),
        bubbles: !!options.bubbles, composed: !!options.composed
      });
    };
    self.createSelectorQuery = function () { return window.wx.createSelectorQuery().in(self); };
    self.createIntersectionObserver = function (options) { return window.wx.createIntersectionObserver(self, options); };
    var animatedStyles = {};
    var sendStyle = function (selector, style) { window.__wxmlAnimatedStyle(webviewId, id, selector, style); };
    /** wx.worklet's animated style on elements of its template (assets/worklet.js). */
    self.applyAnimatedStyle = function (selector, updater, config, callback) {
      return window.__superappWorklet.applyAnimatedStyle(animatedStyles, sendStyle, selector, updater, config, callback);
    };
    self.clearAnimatedStyle = function (selector, ids, callback) {
      window.__superappWorklet.clearAnimatedStyle(animatedStyles, sendStyle, selector, ids, callback);
    };
    /** The custom tab bar's instance on this component's page, else null. */
    self.getTabBar = function () { return window.__wxmlSelectComponents(webviewId, 0, 'custom-tab-bar', false); };
    /** The page this component is on: `pageId-<webview>`. */
    self.getPageId = function () { return 'pageId-' + webviewId; };
    self.animate = function (selector, keyframes, duration, last) {
      window.__wxmlAnimate(webviewId, id, selector, keyframes, duration, last);
    };
    self.clearAnimation = function (selector, options, callback) {
      window.__wxmlClearAnimation(webviewId, id, selector, options, callback);
    };
    self.selectComponent = function (selector) { return window.__wxmlSelectComponents(webviewId, id, selector, false); };
    self.selectAllComponents = function (selector) { return window.__wxmlSelectComponents(webviewId, id, selector, true); };
    self.hasBehavior = function (b) { return parts.indexOf(b) >= 0; };
    var attached = false, readied = false;
    // relations: by the key as written ('../cell-group/index'), the path it names and the
    // instances linked to it.
    var relations = [];
    var links = {};
    parts.forEach(function (part) {
      Object.keys(part.relations || {}).forEach(function (key) {
        var spec = part.relations[key] || {};
        // `target`: a path (the key is then just a name), or a behavior the other has
        var behavior = spec.target && typeof spec.target === 'object' ? spec.target : null;
        var target = typeof spec.target === 'string' ? spec.target : key;
        relations.push({ key: key, target: behavior ? null : joinPath(path, target), behavior: behavior, type: spec.type, spec: spec });
      });
    });
    self.getRelationNodes = function (key) { return (links[key] || []).slice(); };
    var exportFn = parts.map(function (part) { return part.export; }).filter(isFunction).pop();
    var externalClasses = [];
    parts.forEach(function (part) {
      (part.externalClasses || []).forEach(function (name) { if (externalClasses.indexOf(name) < 0) externalClasses.push(String(name)); });
    });
    return {
      instance: self,
      /** The class names its owner may set (`externalClasses`). */
      externalClasses: externalClasses,
      /** Its style options (`styleIsolation`, `addGlobalClass`): the render layer scopes
       *  its classes by them. */
      styleOptions: {
        styleIsolation: definition && definition.options && definition.options.styleIsolation,
        addGlobalClass: !!(definition && definition.options && definition.options.addGlobalClass)
      },
      /** Whether it has behavior `b` (its own or through another behavior). */
      hasBehavior: function (b) { return parts.indexOf(b) >= 0; },
      /** Its relations: [{key, target (a component path) or behavior, type, spec}]. */
      relations: relations,
      /** Links `other` under relation `key` (its `linked` runs). */
      link: function (key, other) {
        (links[key] = links[key] || []).push(other);
        var rel = relations.filter(function (r) { return r.key === key; })[0];
        if (rel && isFunction(rel.spec.linked)) { try { rel.spec.linked.call(self, other); } catch (err) { report(err); } }
      },
      /** Unlinks `other` (its `unlinked` runs). */
      unlink: function (key, other) {
        var list = links[key] || [];
        var at = list.indexOf(other);
        if (at < 0) return;
        list.splice(at, 1);
        var rel = relations.filter(function (r) { return r.key === key; })[0];
        if (rel && isFunction(rel.spec.unlinked)) { try { rel.spec.unlinked.call(self, other); } catch (err) { report(err); } }
      },
      /** Every link it has: [[key, instance]]. */
      linked: function () {
        var out = [];
        Object.keys(links).forEach(function (key) { links[key].forEach(function (other) { out.push([key, other]); }); });
        return out;
      },
      /** What selectComponent gives: export()'s answer when the definition has one. */
      exported: function () { return exportFn ? exportFn.call(self) : self; },
      /** New property values from the owner (only declared properties count). */
      props: function (values, first) {
        var changed = [], sent = {};
        Object.keys(values || {}).forEach(function (name) {
          var spec = properties[name];
          if (!spec) return;
          // (values come from the render layer as fresh copies whose references are the
          // owner's functions and objects themselves: data_path.js)
          var value = isFunction(values[name]) ? values[name] : asType(spec.type, values[name]);
          var old = self.data[name];
          // (as in WeChat, a value equal to what it has, its default at first, changes
          // nothing and calls no observer)
          if (value === old || !isFunction(value) && same(old, value)) return;
          if (first && value === undefined) return;
          self.data[name] = value;
          sent[name] = toRender(value, webviewId);
          changed.push(name);
          if (isFunction(spec.observer)) {
            try { spec.observer.call(self, value, old, [name]); } catch (err) { report(err); }
          } else if (typeof spec.observer === 'string' && isFunction(self[spec.observer])) {
            try { self[spec.observer](value, old, [name]); } catch (err) { report(err); }
          }
        });
        if (changed.length) observe(changed);
        return sent;
      },
      created: function () { run(lifetimes('created')); },
      attached: function (sendFirst) {
        attached = true;
        // Its template is drawn with the data it has before `attached` runs, as WeChat
        // makes a component's tree first: a selector query in `attached` finds it.
        sendFirst();
        run(lifetimes('attached'));
      },
      /** The render layer drew setData `seq` (0: the first data); `holdReady` when its
       *  page is still loading: `ready` then runs with `ready()`, after the page's onShow. */
      rendered: function (seq, holdReady) {
        if (!readied && attached && !holdReady) {
          readied = true;
          run(lifetimes('ready'));
        }
        var cbs = seq === 0 ? early.splice(0) : [];
        if (callbacks[seq]) cbs.push(callbacks[seq]);
        delete callbacks[seq];
        cbs.forEach(function (cb) { try { cb.call(self); } catch (err) { report(err); } });
      },
      /** Runs `ready` (held while its page loaded), once. */
      ready: function () {
        if (!readied && attached) {
          readied = true;
          run(lifetimes('ready'));
        }
      },
      detached: function () { run(lifetimes('detached')); },
      pageLifetime: function (name, arg) { run(pageLifetimes(name), arg === undefined ? [] : [arg]); },
      method: function (name) { return isFunction(self[name]) ? self[name] : null; }
    };
  }

  /** A Page() definition with `behaviors` (as WeChat's Page takes them): their `data`
   *  under the page's, their `methods` as page methods (the page's own win), and page
   *  hooks written in a behavior run before the page's own. */
  var PAGE_HOOKS = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload'];
  function pageWithBehaviors(definition) {
    if (!definition || !Array.isArray(definition.behaviors) || !definition.behaviors.length) return definition;
    filtered(definition);
    var parts = flatten(definition);
    var behaviors = parts.slice(0, -1);
    var page = {};
    behaviors.forEach(function (part) {
      Object.keys(part.methods || {}).forEach(function (name) {
        if (isFunction(part.methods[name])) page[name] = part.methods[name];
      });
    });
    Object.keys(definition).forEach(function (key) {
      if (key !== 'behaviors' && key !== 'data') page[key] = definition[key];
    });
    page.data = {};
    parts.forEach(function (part) { Object.assign(page.data, keep(part.data || {})); });
    PAGE_HOOKS.forEach(function (hook) {
      var before = behaviors.map(function (part) { return part[hook]; }).filter(isFunction);
      if (!before.length) return;
      var own = page[hook];
      page[hook] = function () {
        var self = this, args = arguments;
        before.forEach(function (fn) { fn.apply(self, args); });
        if (isFunction(own)) return own.apply(self, args);
        return undefined;
      };
    });
    return page;
  }

  window.__wxmlComponent = Object.freeze({
    Behavior: Behavior, asPage: asPage, instantiate: instantiate, pageWithBehaviors: pageWithBehaviors, filtered: filtered
  });
})();
