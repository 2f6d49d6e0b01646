const format = require('/utils/format');

Page({
  data: { from: '', taps: 0, prices: 0 },
  onLoad(query) {
    this.setData({ from: query.from || 'nowhere', taps: getApp().globalData.taps, prices: format.calls() });
  }
});
