// One App for every page: the logic context runs this file once.
App({
  globalData: { taps: 0 },
  onLaunch(options) {
    this.globalData.launchedAt = new Date().toISOString();
  }
});
