package dev.nubo.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.nubo.apis.Api;
import dev.nubo.apis.ApiDocument;
import dev.nubo.apis.ApiGate;
import dev.nubo.apis.ApiKey;
import dev.nubo.apis.ApiKeys;
import dev.nubo.model.Json;
import dev.nubo.model.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The deployed APIs and their keys, kept as files under {@code NUBO_HOME/apis}: each stage of each API
 * has its versions ({@code NAME/STAGE/vN.yaml}, with the stage variables beside it in {@code vN.json})
 * and a {@code current} file naming the one that serves. A deploy writes the next version and then
 * switches {@code current} (a rename, so a crash leaves the old or the new, never half); a rollback
 * switches back. Keys are in {@code keys.json}, as hashes. Every change republishes all stages to the
 * gateway's {@link ApiGate} at once. Methods block (file I/O, a JWKS fetch): call them off event loops.
 */
final class ApiCatalog {

    /** One stage's versions: the one serving and how many there are. */
    record Stage(String api, String stage, int current, int versions) {}

    private final Path root;
    private final ApiGate gate;
    private final ApiKeys keys;
    private final InstantSource clock;

    ApiCatalog(Path root, ApiGate gate, ApiKeys keys, InstantSource clock) {
        this.root = root;
        this.gate = gate;
        this.keys = keys;
        this.clock = clock;
        try {
            Files.createDirectories(root);
            Path keyFile = root.resolve("keys.json");
            if (Files.exists(keyFile)) {
                keys.load(Json.mapper().readValue(keyFile.toFile(), new TypeReference<List<ApiKey>>() {}));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the APIs in " + root, e);
        }
        publish();
    }

    ApiKeys keys() {
        return keys;
    }

    /** Parses and checks the document, stores it as the stage's next version and serves it. */
    synchronized Api deploy(String document, String stage, Map<String, String> variables) {
        checkName("stage", stage);
        Api probe = ApiDocument.parse(document, stage, variables, 0, this::fetch);
        Path dir = root.resolve(probe.name()).resolve(stage);
        int version = versions(dir) + 1;
        Api api = ApiDocument.parse(document, stage, variables, version, this::fetch);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("v" + version + ".yaml"), document);
            Json.mapper().writeValue(dir.resolve("v" + version + ".json").toFile(), variables);
            setCurrent(dir, version);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store API " + api.name() + " in " + dir, e);
        }
        publish();
        return api;
    }

    /** Serves the version before the current one again (or {@code version}, when given). */
    synchronized Api rollback(String name, String stage, Optional<Integer> version) {
        Path dir = root.resolve(name).resolve(stage);
        int current = current(dir).orElseThrow(() -> UserError.notFound("api.not_found", "API " + name + " has no stage " + stage,
                "`nubo api list` shows the APIs and their stages"));
        int target = version.orElse(current - 1);
        if (target < 1 || target > versions(dir) || target == current) {
            throw UserError.badRequest("api.no_version", "API " + name + " (" + stage + ") has no version " + target + " to roll back to"
                    + " (it serves v" + current + " of " + versions(dir) + ")", "pass --version N with another stored version");
        }
        setCurrent(dir, target);
        publish();
        return load(dir, name, stage, target);
    }

    synchronized void delete(String name) {
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw UserError.notFound("api.not_found", "there is no API " + name, "`nubo api list` shows the APIs");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        publish();
    }

    /** Every stage of every API, as it serves now. */
    synchronized List<Api> serving() {
        List<Api> out = new ArrayList<>();
        for (String name : children(root)) {
            for (String stage : children(root.resolve(name))) {
                Path dir = root.resolve(name).resolve(stage);
                current(dir).ifPresent(v -> out.add(load(dir, name, stage, v)));
            }
        }
        return out;
    }

    Stage stage(Api api) {
        return new Stage(api.name(), api.stage(), api.version(), versions(root.resolve(api.name()).resolve(api.stage())));
    }

    synchronized void saveKeys() {
        try {
            Path tmp = root.resolve("keys.json.tmp");
            Json.mapper().writeValue(tmp.toFile(), keys.keys());
            Files.move(tmp, root.resolve("keys.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store API keys in " + root, e);
        }
    }

    boolean exists(String name) {
        return Files.isDirectory(root.resolve(name));
    }

    InstantSource clock() {
        return clock;
    }

    private void publish() {
        gate.publish(serving());
    }

    private Api load(Path dir, String name, String stage, int version) {
        try {
            String document = Files.readString(dir.resolve("v" + version + ".yaml"));
            Map<String, String> variables = Json.mapper().readValue(dir.resolve("v" + version + ".json").toFile(),
                    new TypeReference<TreeMap<String, String>>() {});
            return ApiDocument.parse(document, stage, variables, version, this::fetch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API " + name + " v" + version + " in " + dir, e);
        }
    }

    private String fetch(String url) {
        return JwtAuthorizer.fetch(url, "jwksUrl");
    }

    private static void setCurrent(Path dir, int version) {
        try {
            Path tmp = dir.resolve("current.tmp");
            Files.writeString(tmp, Integer.toString(version));
            Files.move(tmp, dir.resolve("current"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Integer> current(Path dir) {
        try {
            Path file = dir.resolve("current");
            return Files.exists(file) ? Optional.of(Integer.parseInt(Files.readString(file).trim())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int versions(Path dir) {
        int n = 0;
        while (Files.exists(dir.resolve("v" + (n + 1) + ".yaml"))) {
            n++;
        }
        return n;
    }

    private static List<String> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void checkName(String what, String name) {
        if (name == null || !name.matches("[a-z][a-z0-9-]{0,62}")) {
            throw UserError.badRequest("api.invalid", "the " + what + " '" + name + "' is not a name",
                    "use lowercase letters, digits and dashes, starting with a letter, e.g. prod");
        }
    }
}
