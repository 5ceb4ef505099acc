package dev.nubo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nubo.model.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nubo config set|get|history|rollback|import|status}: the configuration center, versioned
 * keys per application and profile, served to Spring apps as a Config Server (docs/CLI.md, "Configuration").
 */
@Command(name = "config",
        description = "Set, import, show and roll back applications' configuration (versioned; served to Spring Cloud Config clients).",
        subcommands = {ConfigCommands.Set.class, ConfigCommands.Get.class, ConfigCommands.History.class, ConfigCommands.Rollback.class,
                ConfigCommands.Import.class, ConfigCommands.Status.class})
final class ConfigCommands extends Group {

    private static final String DEFAULT = "default";

    /** {@code APP} or {@code APP/PROFILE}. */
    record Target(String app, String profile) {
        static Target parse(String text) {
            int slash = text.indexOf('/');
            Target t = slash < 0 ? new Target(text, DEFAULT) : new Target(text.substring(0, slash), text.substring(slash + 1));
            if (t.app().isEmpty() || t.profile().isEmpty() || t.profile().contains("/")) {
                throw new CommandError("'" + text + "' is not APP or APP/PROFILE", "e.g. orders, or orders/prod for the prod profile");
            }
            return t;
        }

        String path() {
            return "/v1/config/" + Api.segment(app);
        }
    }

    /** Prints a change's answer: the new version and what happens next. */
    static int changed(ClientCommand command, ClientCommand.Output output, JsonNode v) {
        if (output.json()) {
            command.printJson(v);
            return 0;
        }
        String app = v.path("app").asText();
        command.out().println(app + " version " + v.path("version").asInt() + ": " + v.path("change").asText());
        if (v.has("revision")) {
            command.out().println("rolling out " + v.path("revision").asText() + " with it; follow it with `nubo describe " + app + "`");
        } else {
            command.out().println("running instances are refreshed; see which got it with `nubo config status " + app + "`");
        }
        command.out().flush();
        return 0;
    }

    @Command(name = "set", description = "Set keys of an application (or of one of its profiles): a new version, pushed to its running instances.")
    static final class Set extends ClientCommand {

        @Parameters(index = "0", paramLabel = "APP[/PROFILE]", description = "The application (a service's name, or \"application\" "
                + "for every one), and a profile (default: none).")
        String target;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE", description = "Keys to set.")
        List<String> pairs = List.of();

        @Option(names = "--unset", paramLabel = "KEY", description = "A key to remove (repeatable).")
        List<String> unset = List.of();

        @Option(names = "--rollout", description = "Roll out a new revision of the service with it instead of refreshing running instances.")
        boolean rollout;

        @Mixin
        Output output;

        Set(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            Target t = Target.parse(target);
            if (pairs.isEmpty() && unset.isEmpty()) {
                throw new CommandError("nothing to set", "give KEY=VALUE pairs, e.g. nubo config set " + target + " greeting=hello");
            }
            ObjectNode body = Json.mapper().createObjectNode().put("profile", t.profile()).put("rollout", rollout);
            ObjectNode set = body.putObject("set");
            for (String pair : pairs) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new CommandError("'" + pair + "' is not KEY=VALUE", "e.g. greeting=hello (quote a value with spaces: 'greeting=hello there')");
                }
                set.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            unset.forEach(body.putArray("unset")::add);
            try (Api api = api()) {
                return changed(this, output, api.post(t.path(), body));
            }
        }
    }

    @Command(name = "get", description = "Show an application's newest configuration, or one profile's keys.")
    static final class Get extends ClientCommand {

        @Parameters(index = "0", paramLabel = "APP[/PROFILE]", description = "The application, and optionally one profile.")
        String target;

        @Mixin
        Output output;

        Get(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            Target t = Target.parse(target);
            try (Api api = api()) {
                JsonNode v = api.get(t.path());
                if (output.json()) {
                    printJson(v);
                    return 0;
                }
                PrintWriter out = out();
                out.println(t.app() + " version " + v.path("version").asInt() + " (" + v.path("change").asText() + ", "
                        + Human.when(Instant.parse(v.path("createdAt").asText()), env.clock().instant()) + ")");
                boolean one = target.contains("/");
                v.path("profiles").properties().forEach(profile -> {
                    if (!one || profile.getKey().equals(t.profile())) {
                        out.println(profile.getKey() + ":");
                        profile.getValue().properties().forEach(k -> out.println("  " + k.getKey() + "=" + k.getValue().asText()));
                    }
                });
                if (one && !v.path("profiles").has(t.profile())) {
                    out.println("(no keys in profile " + t.profile() + ")");
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "history", description = "List an application's configuration versions, newest first.")
    static final class History extends ClientCommand {

        @Parameters(index = "0", paramLabel = "APP", description = "The application.")
        String app;

        @Mixin
        Output output;

        History(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                return printList(api, output, api.get(Target.parse(app).path() + "/history"), "versions", "no versions",
                        new Table("VERSION", "CHANGE", "CREATED"), JsonNode.class, (table, v) -> table.row(v.path("version").asText(),
                                v.path("change").asText(), Human.when(Instant.parse(v.path("createdAt").asText()), env.clock().instant())));
            }
        }
    }

    @Command(name = "rollback", description = "Make an old version the newest again (as a new version), pushed to running instances.")
    static final class Rollback extends ClientCommand {

        @Parameters(index = "0", paramLabel = "APP", description = "The application.")
        String app;

        @Parameters(index = "1", paramLabel = "VERSION", description = "The version to return to (see nubo config history).")
        int version;

        @Mixin
        Output output;

        Rollback(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                return changed(this, output, api.post(Target.parse(app).path() + "/rollback",
                        Json.mapper().createObjectNode().put("version", version)));
            }
        }
    }

    @Command(name = "import", description = "Add the keys of a Spring configuration file (.yml, .yaml or .properties) as one new version.")
    static final class Import extends ClientCommand {

        @Parameters(index = "0", paramLabel = "APP[/PROFILE]", description = "The application, and the profile of keys the file "
                + "does not give one (a YAML document's spring.config.activate.on-profile does).")
        String target;

        @Parameters(index = "1", paramLabel = "FILE", description = "application.yml, application-prod.properties, ...")
        Path file;

        @Mixin
        Output output;

        Import(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            Target t = Target.parse(target);
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new CommandError("cannot read " + file + " (" + e + ")", "name a .yml, .yaml or .properties file");
            }
            ObjectNode body = Json.mapper().createObjectNode().put("profile", t.profile())
                    .put("file", file.getFileName().toString()).put("text", text);
            try (Api api = api()) {
                return changed(this, output, api.post(t.path() + "/import", body));
            }
        }
    }

    @Command(name = "status", description = "Show which running instance of a service received which configuration version.")
    static final class Status extends ClientCommand {

        @Parameters(index = "0", paramLabel = "APP", description = "The service.")
        String app;

        @Mixin
        Output output;

        Status(Env env) {
            super(env);
        }

        @Override
        public Integer call() {
            try (Api api = api()) {
                JsonNode s = api.get(Target.parse(app).path() + "/status");
                if (output.json()) {
                    printJson(s);
                    return 0;
                }
                out().println(app + " configuration version " + s.path("version").asInt());
                return printList(api, output, s, "instances", "no running instances", new Table("INSTANCE", "VERSION", "PUSH"),
                        JsonNode.class, (table, i) -> table.row(i.path("instance").asText(), i.path("version").asText("-"),
                                i.has("push") ? "v" + i.path("push").path("version").asInt() + " " + i.path("push").path("outcome").asText() : "-"));
            }
        }
    }
}
