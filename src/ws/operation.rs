//! One operation a client sent with `subscribe`, as its connection keeps it.
//!
//! A query or mutation is answered once. A subscription is opened once and
//! then kept as nothing but its text and its event source: each event is
//! delivered by executing the operation again for it (see `graphql::live` for
//! why). An idle subscription thus costs its event source and a few pointers,
//! not a GraphQL execution.
use std::{net::IpAddr, sync::Arc};

use async_graphql::{dataloader::DataLoader, Request, Response, Variables};
use futures_util::{stream::BoxStream, StreamExt};
use sea_orm::DatabaseConnection;

use super::protocol::SubscribePayload;
use crate::{
    auth::Actor,
    error::AppResult,
    events::SharedEvent,
    graphql::{
        context::{ClientAddr, Viewer},
        limits::{check_aliases, check_single_root_field},
        live::{LiveEvents, LivePhase},
        loaders::DbLoader,
        AppSchema,
    },
    http::label_uncoded_errors,
};

/// The responses of one operation: `None` once it is complete.
pub type Responses = BoxStream<'static, Option<Response>>;

/// Runs the operations of one connection: the schema, and who is asking.
pub struct Executor {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub viewer: Option<Actor>,
    pub client: IpAddr,
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
                    futures_util::stream::iter([Some(*response), None]).boxed()
                }
                Opened::Nothing => futures_util::stream::iter([None]).boxed(),
                Opened::Live(events) => {
                    let executor = executor.clone();
                    let operation = operation.clone();
                    events
                        .then(move |event| {
                            Box::pin(executor.clone().deliver(operation.clone(), event))
                        })
                        .boxed()
                }
            })
            .boxed()
    }

    async fn open(self: Arc<Self>, operation: Arc<Operation>) -> Opened {
        let mut request = operation.request();
        if let Ok(document) = request.parsed_query() {
            let checked = check_aliases(document).and_then(|()| {
                check_single_root_field(document, operation.operation_name.as_deref())
            });
            if let Err(error) = checked {
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
    ) -> Option<Response> {
        let request = self.with_data(operation.request(), LivePhase::deliver(event));
        let response = self.schema.execute_stream(request).next().await?;
        Some(labelled(response))
    }

    fn with_data(&self, request: Request, phase: Arc<LivePhase>) -> Request {
        // Fresh loaders per execution: a delivery sees the data as it is now.
        let loaders = Arc::new(DataLoader::new(
            DbLoader::new(self.db.clone(), self.viewer.clone()),
            tokio::spawn,
        ));
        request
            .data(Viewer(self.viewer.clone()))
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
