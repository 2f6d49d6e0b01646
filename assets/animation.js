// superapp-shell: wx.createAnimation, WeChat's animation builder, on both page kinds. Its
// export() is data for a WXML element's `animation` attribute, which the render layer plays
// with CSS transitions, step after step (assets/wxml/render.js):
//   {actions: [{animates: [{type, args}], option: {transition: {duration, timingFunction,
//    delay}, transformOrigin}}]}
// As in WeChat, the object keeps `option` (its defaults, which a step's own override), and
// each method returns it, for chaining.
(function () {
  'use strict';
  var wx = window.wx;
  if (!wx || window.__superappAnimation) return;
  window.__superappAnimation = true;

  var METHODS = ['opacity', 'backgroundColor', 'width', 'height', 'top', 'left', 'bottom', 'right',
    'rotate', 'rotateX', 'rotateY', 'rotateZ', 'rotate3d', 'scale', 'scaleX', 'scaleY', 'scaleZ', 'scale3d',
    'translate', 'translateX', 'translateY', 'translateZ', 'translate3d', 'skew', 'skewX', 'skewY', 'matrix', 'matrix3d'];

  function option(from) {
    from = from || {};
    return {
      transition: {
        duration: from.duration === undefined ? 400 : Number(from.duration),
        timingFunction: from.timingFunction || 'linear',
        delay: from.delay === undefined ? 0 : Number(from.delay)
      },
      transformOrigin: from.transformOrigin || '50% 50% 0'
    };
  }

  /** One animation: its queued steps, and the current step's animates. */
  function Animation(options) {
    this.option = option(options);
    this.actions = [];
    this.current = [];
  }
  METHODS.forEach(function (type) {
    Animation.prototype[type] = function () {
      this.current.push({ type: type, args: Array.prototype.slice.call(arguments) });
      return this;
    };
  });
  /** Ends a step: what was called since the last one plays together, with `options`. */
  Animation.prototype.step = function (options) {
    options = options || {};
    var base = this.option;
    this.actions.push({
      animates: this.current,
      option: {
        transition: {
          duration: options.duration === undefined ? base.transition.duration : Number(options.duration),
          timingFunction: options.timingFunction || base.transition.timingFunction,
          delay: options.delay === undefined ? base.transition.delay : Number(options.delay)
        },
        transformOrigin: options.transformOrigin || base.transformOrigin
      }
    });
    this.current = [];
    return this;
  };
  /** The steps so far, as the `animation` attribute takes them; the queue starts again. */
  Animation.prototype.export = function () {
    var out = { actions: JSON.parse(JSON.stringify(this.actions)) };
    this.actions = [];
    return out;
  };

  /** wx.createAnimation({duration, timingFunction, delay, transformOrigin}). */
  wx.createAnimation = function (options) { return new Animation(options); };
})();
