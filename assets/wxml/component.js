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
(function () {
  'use strict';
  if (window.__wxmlComponent) return;

  function isFunction(value) { return typeof value === 'function'; }
  function copy(value) { return value === undefined ? undefined : JSON.parse(JSON.stringify(value)); }

  /** Behavior(definition): a mixin for Component({behaviors: [...]}). */
  function Behavior(definition) {
    var behavior = Object.assign({}, definition || {});
    Object.defineProperty(behavior, '__behavior', { value: true });
    return behavior;
  }

  // The behaviors of a definition, depth first, each once, then the definition itself.
  function flatten(definition, out, seen) {
    out = out || [];
    seen = seen || [];
    (definition.behaviors || []).forEach(function (b) {
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
    var parts = flatten(definition || {});
    var page = { data: {} };
    var properties = {};
    parts.forEach(function (part) {
      Object.keys(part.properties || {}).forEach(function (name) {
        var spec = propertySpec(part.properties[name]);
        properties[name] = spec;
        page.data[name] = spec.value !== undefined ? copy(spec.value) : typeDefault(spec.type);
      });
      Object.assign(page.data, copy(part.data || {}));
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

  window.__wxmlComponent = Object.freeze({ Behavior: Behavior, asPage: asPage });
})();
