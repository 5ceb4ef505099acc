package dev.nubo.gateway;

import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * A front door's look at a whole request body ({@link FrontDoor.BodyCheck}, e.g. an API operation's
 * JSON schema): the parts read so far wait in the exchange's read-ahead, as for any request not yet
 * sent; once the last has come they are copied into one array for the check, then either answered
 * (a 400 naming the field) or dispatched again, past the front door, and sent on as they are.
 */
final class WholeBody {

    private WholeBody() {}

    static void check(Exchange exchange, FrontDoor.BodyCheck check, ArrayDeque<HttpContent> parts, CallerConnection.Dispatch dispatch) {
        Optional<FrontDoor.Answer> refused = check.check(exchange, bytes(parts));
        if (refused.isPresent()) {
            exchange.answer(refused.get());
        } else {
            dispatch.dispatch(exchange);
        }
    }

    static byte[] bytes(ArrayDeque<HttpContent> parts) {
        if (parts == null) {
            return new byte[0];
        }
        int size = 0;
        for (HttpContent part : parts) {
            size += part.content().readableBytes();
        }
        byte[] all = new byte[size];
        int at = 0;
        for (HttpContent part : parts) {
            int n = part.content().readableBytes();
            part.content().getBytes(part.content().readerIndex(), all, at, n);
            at += n;
        }
        return all;
    }
}
