#pragma once
/// The adapter API: the neutral inbound type every adapter turns platform input into, what the
/// app answers, and the two interfaces between them. Adapters never see the core's rules and
/// the app never sees a platform: inbound and commands::outbound are the whole interface.

#include "commands/decide.hpp"
#include "commands/grammar.hpp"
#include "commands/time.hpp"
#include "commands/user.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace coolhead::adapters {


/// "/incident start Checkout fails": the slash command and the text after it, in the
/// platform's dialect (Slack-escaped on Slack).
struct slash_command {
    std::string command;
    std::string text;
};

/// A plain message someone wrote in a channel.
struct channel_message {
    std::string message_id;
    std::string text;
};

/// A reaction added to or removed from a message. For 📌 the adapter fills in the message it
/// was put on (author, text, time) when it knows them.
struct reaction {
    std::string emoji; ///< the platform's name without colons, e.g. "pushpin"
    bool added = true;
    std::string message_id;
    commands::user_ref message_author;
    std::string message_text;
    commands::timestamp message_at;
};

/// A message was edited (`text` is the new text) or deleted on the platform. The timeline keeps
/// the original of a pinned message and marks the change.
struct message_edited {
    std::string message_id;
    std::string text;
};
struct message_deleted {
    std::string message_id;
};

struct inbound {
    std::string platform;    ///< "console", "slack", "mattermost"
    std::string delivery_id; ///< the platform's id for this delivery; "" if it has none
    std::string team;
    commands::channel_ref channel;
    commands::user_ref user;
    commands::timestamp received;
    commands::dialect dialect = commands::dialect::console;
    std::variant<slash_command, channel_message, reaction, message_edited, message_deleted> what;
};


/// What the app made of one inbound delivery.
struct handled {
    enum class status {
        applied,      ///< events stored; reply and effects follow
        answered,     ///< nothing to store (a query); reply follows
        refused,      ///< a usage error or a rule said no; private reply
        duplicate,    ///< a redelivery: the stored reply, nothing applied
        not_recorded, ///< the store failed; the reply says nothing changed
        ignored,      ///< nothing to do and nothing to say (e.g. a reaction that isn't a pin)
    };
    status result = status::ignored;
    std::optional<commands::outbound> reply; ///< the platform ack carries it; absent: say nothing
    std::vector<commands::outbound> effects; ///< after the reply: prompts, reminders, the post-mortem
    std::uint64_t incident = 0;
};

/// The app, as adapters see it.
class inbound_handler {
public:
    virtual ~inbound_handler() = default;
    /// Handles one delivery; the reply exists only once its events are durable. Io executor.
    virtual boost::asio::awaitable<handled> handle(inbound in) = 0;
};

/// A chat platform, as the app sees it: a way to post messages that are not an immediate
/// reply (phase prompts, humility reminders, timed reminders, the published post-mortem).
class chat_adapter {
public:
    virtual ~chat_adapter() = default;
    /// Queues a message for its channel (everyone, or one user), keeping per-channel order.
    /// Non-blocking; io executor. Delivery failures are the adapter's to log and retry.
    virtual void post(commands::outbound message) = 0;
};

} // namespace coolhead::adapters
