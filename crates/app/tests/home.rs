//! Each home's to-do list, on the demo county: what waits for each role, with the counts of the
//! very lists the links open, newest first, and nothing that is another role's to do.

use xuequ_app::accounts::{self, SessionKind};
use xuequ_app::home::{Task, to_do};
use xuequ_app::{App, Caller, bookings, exchange, operator};

async fn demo() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let store = operator::open(&operator::sqlite_url(dir.path())).await.unwrap();
    operator::load_demo(&store, false).await.unwrap();
    (dir, App::new(store))
}

async fn as_user(app: &App, name: &str) -> Caller {
    let opened = accounts::sign_in(app, name, "xuequ-demo", SessionKind::Api, "test").await.unwrap();
    accounts::resolve(app, &opened.token).await.unwrap().unwrap().caller
}

fn count_of(tasks: &[Task], pick: impl Fn(&Task) -> Option<usize>) -> usize {
    tasks.iter().find_map(pick).unwrap_or(0)
}

#[tokio::test]
async fn each_home_lists_what_waits_with_the_counts_of_the_lists_behind_it() {
    let (_dir, app) = demo().await;
    for name in ["admin", "head", "principal", "teacher"] {
        let c = as_user(&app, name).await;
        let tasks = to_do(&app, &c).await.unwrap();
        // Bookings: the same number the inbox the link opens holds.
        let inbox = bookings::inbox(&app, &c).await.unwrap().map_or(0, |l| l.len());
        assert_eq!(count_of(&tasks, |t| if let Task::BookingsToDecide { count, .. } = t { Some(*count) } else { None }), inbox, "{name}");
        // Moves: to agree (a school) and to confirm (the bureau), as the moves page lists them.
        let moves =
            exchange::moves::inbox(&app, &c).await.map(|i| (i.incoming.len() + i.outgoing.len(), i.to_confirm.len())).unwrap_or((0, 0));
        assert_eq!(count_of(&tasks, |t| if let Task::MovesToAgree { count, .. } = t { Some(*count) } else { None }), moves.0, "{name}");
        assert_eq!(count_of(&tasks, |t| if let Task::MovesToConfirm { count, .. } = t { Some(*count) } else { None }), moves.1, "{name}");
        // Newest first among what has a date.
        let dated: Vec<_> = tasks
            .iter()
            .filter_map(|t| match t {
                Task::BookingsToDecide { newest, .. }
                | Task::SpendingToApprove { newest, .. }
                | Task::MovesToAgree { newest, .. }
                | Task::MovesToConfirm { newest, .. }
                | Task::RecordsToWrite { newest, .. } => Some(*newest),
                _ => None,
            })
            .collect();
        assert!(dated.windows(2).all(|w| w[0] >= w[1]), "{name}: newest first");
        match name {
            // The demo leaves the head bookings to decide and the principal moves to agree to.
            "head" => assert!(inbox > 0, "the head has booking requests waiting"),
            "principal" => assert!(moves.0 > 0, "the principal has moves to agree to"),
            // A teacher decides nothing of the school's.
            "teacher" => assert!(
                !tasks.iter().any(|t| matches!(
                    t,
                    Task::BookingsToDecide { .. }
                        | Task::SpendingToApprove { .. }
                        | Task::MovesToAgree { .. }
                        | Task::MovesToConfirm { .. }
                )),
                "{tasks:?}"
            ),
            _ => {}
        }
    }
}
