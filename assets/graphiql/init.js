// Starts GraphiQL on /graphql. Loaded after react, react-dom and graphiql
// (all `defer`, so in order); kept out of the page so that no inline script
// is needed (Content-Security-Policy: script-src 'self').
(function () {
  'use strict';

  var container = document.getElementById('graphiql');
  // Full-window layout, set through the CSSOM (no inline <style> needed).
  document.documentElement.style.height = '100%';
  document.body.style.height = '100%';
  document.body.style.margin = '0';
  document.body.style.overflow = 'hidden';
  container.style.height = '100vh';

  // Same origin as the page: /graphql for queries and mutations (POST JSON),
  // /graphql/ws for subscriptions (graphql-transport-ws, over wss: on https:).
  var httpUrl = new URL('/graphql', window.location.origin);
  var wsUrl = new URL('/graphql/ws', window.location.origin);
  wsUrl.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';

  // graphiql.min.js bundles the graphql-ws client: with subscriptionUrl,
  // createFetcher sends subscriptions over the WebSocket, and the headers from
  // the Headers tab (e.g. {"Authorization": "Bearer <token>"}) become the
  // connection_init payload, which is where the server reads the token.
  var baseFetcher = GraphiQL.createFetcher({
    url: httpUrl.toString(),
    subscriptionUrl: wsUrl.toString(),
    fetch: function (input, init) {
      return window.fetch(input, Object.assign({}, init, { credentials: 'same-origin' }));
    },
  });

  // A subscription the server answers with an `error` message (or a closed
  // socket) reaches GraphiQL twice in graphiql 4.1.2: its result iterator
  // rejects, which GraphiQL catches and shows in the result pane, and the
  // promise of the iterator's own throw(), which nobody awaits, rejects as well
  // ("Uncaught (in promise)" in the console). Swallow only that second copy.
  function fetcher(params, opts) {
    return Promise.resolve(baseFetcher(params, opts)).then(function (result) {
      if (result && typeof result[Symbol.asyncIterator] === 'function' &&
          typeof result.throw === 'function') {
        var rethrow = result.throw;
        result.throw = function (error) {
          var settled = rethrow.call(result, error);
          if (settled && typeof settled.catch === 'function') settled.catch(function () {});
          return settled;
        };
      }
      return result;
    });
  }

  container.textContent = '';
  ReactDOM.createRoot(container).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
    })
  );
})();
