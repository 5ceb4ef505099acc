package dev.nubo.runtimeapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A Lambda stream handler that answers with its event's bytes upper-cased. */
public class UppercaseStreamHandler implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        output.write(event.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }
}
