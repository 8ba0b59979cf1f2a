//! One operation a client sent with `subscribe`, as its connection keeps it.
//!
//! A query or mutation is answered once. A subscription is opened once and
//! then kept as nothing but its text and its event source: each event is
//! delivered by executing the operation again for it (see `graphql::live` for
//! why). An idle subscription thus costs its event source and a few pointers,
//! not a GraphQL execution.
use std::{
    net::IpAddr,
    sync::{Arc, RwLock},
};

use async_graphql::{dataloader::DataLoader, Request, Response, Variables};
use futures_util::{stream::BoxStream, StreamExt};
use sea_orm::DatabaseConnection;

use super::protocol::SubscribePayload;
use crate::{
    auth::Actor,
    error::AppResult,
    events::SharedEvent,
    graphql::{
        context::{ClientAddr, Loaders, Viewer},
        limits::{self, SchemaShape},
        live::{LiveEvents, LivePhase},
        loaders::DbLoader,
        AppSchema,
    },
    http::label_uncoded_errors,
    metrics::Metrics,
    state::AppState,
};

/// The responses of one operation: `None` once it is complete.
pub type Responses = BoxStream<'static, Option<Reply>>;

/// One response to send, and whether it delivers an event (rather than
/// answering a query, a mutation or a refused subscription).
pub struct Reply {
    pub response: Response,
    pub event: bool,
}

/// Runs the operations of one connection: the schema, and who is asking.
pub struct Executor {
    schema: AppSchema,
    shape: Arc<SchemaShape>,
    db: DatabaseConnection,
    metrics: Arc<Metrics>,
    /// Refreshed while connected: each delivery sees the viewer's rights of the
    /// moment (give or take the connection's session check interval).
    viewer: RwLock<Option<Actor>>,
    /// The signed-in user's session (it stays the same while connected).
    session_id: Option<i64>,
    client: IpAddr,
}

/// The operation as the client sent it, kept to execute again per event.
struct Operation {
    query: String,
    variables: Variables,
    operation_name: Option<String>,
}

enum Opened {
    /// A query's or mutation's result, or why a subscription was refused.
    Answered(Box<Response>),
    Live(LiveEvents),
    Nothing,
}

impl Executor {
    pub fn new(
        schema: AppSchema,
        shape: Arc<SchemaShape>,
        app: &AppState,
        viewer: Option<Actor>,
        client: IpAddr,
    ) -> Self {
        Self {
            schema,
            shape,
            db: app.db.clone(),
            metrics: app.metrics.clone(),
            session_id: viewer.as_ref().map(|actor| actor.session_id),
            viewer: RwLock::new(viewer),
            client,
        }
    }

    /// The signed-in user's session, if any.
    pub fn session_id(&self) -> Option<i64> {
        self.session_id
    }

    /// The viewer as the session is now (roles and memberships reloaded).
    pub fn refresh(&self, actor: Actor) {
        *self.viewer.write().unwrap_or_else(|e| e.into_inner()) = Some(actor);
    }

    fn viewer(&self) -> Option<Actor> {
        self.viewer
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The responses to one `subscribe` message.
    pub fn start(self: &Arc<Self>, payload: SubscribePayload) -> Responses {
        let operation = Arc::new(Operation {
            query: payload.query,
            variables: payload
                .variables
                .map(Variables::from_json)
                .unwrap_or_default(),
            operation_name: payload.operation_name,
        });
        let executor = self.clone();
        // Boxed: opening runs queries, and its future would otherwise size the
        // state every idle subscription keeps.
        let opening = Box::pin(self.clone().open(operation.clone()));
        futures_util::stream::once(opening)
            .flat_map(move |opened| match opened {
                Opened::Answered(response) => {
                    let reply = Reply {
                        response: *response,
                        event: false,
                    };
                    futures_util::stream::iter([Some(reply), None]).boxed()
                }
                Opened::Nothing => futures_util::stream::iter([None]).boxed(),
                Opened::Live(events) => {
                    let executor = executor.clone();
                    let operation = operation.clone();
                    events
                        .then(move |event| {
                            Box::pin(executor.clone().deliver(operation.clone(), event))
                        })
                        // A source that ends (the node shutting down) completes it.
                        .chain(futures_util::stream::once(std::future::ready(None)))
                        .boxed()
                }
            })
            .boxed()
    }

    async fn open(self: Arc<Self>, operation: Arc<Operation>) -> Opened {
        let mut request = operation.request();
        // Checked once: a subscription's cost is what every delivery may cost.
        let admitted = limits::admit(
            &self.shape,
            &operation.query,
            operation.operation_name.as_deref(),
            &request.variables,
        );
        match admitted {
            Ok(admitted) => request.set_parsed_query(admitted.document),
            Err(refusal) => {
                self.metrics.record_refusal("ws", refusal.limit());
                let error = refusal.into_server_error();
                return Opened::Answered(Box::new(Response::from_errors(vec![error])));
            }
        }
        let phase = LivePhase::open();
        let request = self.with_data(request, phase.clone());
        let answer = self.schema.execute_stream(request).next().await;
        match (answer, phase.take_events()) {
            (Some(response), _) => Opened::Answered(Box::new(labelled(response))),
            (None, Some(events)) => Opened::Live(events),
            (None, None) => Opened::Nothing,
        }
    }

    /// The subscription's response for one event (`None`: it delivered nothing,
    /// and is complete).
    async fn deliver(
        self: Arc<Self>,
        operation: Arc<Operation>,
        event: AppResult<SharedEvent>,
    ) -> Option<Reply> {
        let request = self.with_data(operation.request(), LivePhase::deliver(event));
        let response = self.schema.execute_stream(request).next().await?;
        Some(Reply {
            response: labelled(response),
            event: true,
        })
    }

    fn with_data(&self, request: Request, phase: Arc<LivePhase>) -> Request {
        // Fresh loaders per execution: a delivery sees the data as it is now.
        let viewer = self.viewer();
        let loaders = Loaders::new(
            DataLoader::new(DbLoader::new(self.db.clone(), viewer.clone()), tokio::spawn)
                .max_batch_size(limits::MAX_BATCH_KEYS),
        );
        request
            .data(Viewer(viewer))
            .data(ClientAddr(self.client))
            .data(loaders)
            .data(phase)
    }
}

impl Operation {
    fn request(&self) -> Request {
        let mut request = Request::new(self.query.clone()).variables(self.variables.clone());
        if let Some(name) = &self.operation_name {
            request = request.operation_name(name.clone());
        }
        request
    }
}

fn labelled(mut response: Response) -> Response {
    label_uncoded_errors(&mut response);
    response
}
