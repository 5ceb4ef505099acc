package dev.nubo.server;

import dev.nubo.model.UserError;

/** The control API's two "no such thing" answers, worded once. */
final class NotFound {

    private NotFound() {}

    static UserError service(String name) {
        return UserError.notFound("service.not_found", "no service named " + name,
                "`nubo list` shows the services; deploy one with `nubo deploy DIR`");
    }

    static UserError revision(String service, String id) {
        return UserError.notFound("revision.not_found", "service " + service + " has no revision " + id,
                "`nubo describe " + service + "` lists its revisions");
    }
}
