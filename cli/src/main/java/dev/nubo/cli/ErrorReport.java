package dev.nubo.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a {@link CommandError} into two lines on standard error and exit code 1. Anything else is a
 * bug in nubo and goes to the handler that was there before, which prints the stack trace.
 */
record ErrorReport(IExecutionExceptionHandler next) implements IExecutionExceptionHandler {

    static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult)
            throws Exception {
        if (!(ex instanceof CommandError error)) {
            return next.handleExecutionException(ex, commandLine, parseResult);
        }
        print(commandLine.getErr(), error);
        return FAILED;
    }

    static void print(PrintWriter err, CommandError error) {
        err.println("error: " + error.getMessage());
        if (!error.hint().isEmpty()) {
            err.println("hint: " + error.hint());
        }
        err.flush();
    }
}
