package dev.nubo.runtimeapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** A Lambda handler whose class fails to initialise, as one whose static setup cannot reach its database. */
public class BrokenInitHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    static final String CONFIG = load();

    private static String load() {
        throw new IllegalStateException("DATABASE_URL is not set");
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Map.of("config", CONFIG);
    }
}
