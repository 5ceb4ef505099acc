package dev.nubo.workflows;

import java.util.List;
import java.util.Optional;

/** One entry of a state's {@code Catch}: the errors it takes, the state it goes to, where the error output goes. */
record Catcher(List<String> errorEquals, String next, Optional<String> resultPath) {}
