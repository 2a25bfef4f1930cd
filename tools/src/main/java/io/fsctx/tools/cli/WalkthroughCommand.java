package io.fsctx.tools.cli;

import io.fsctx.examples.walkthrough.RefCountWalkthrough;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.tools.report.ContextRecorder;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code fsctx walkthrough}: the documentation's reference-count example, step by step, from the
 * Filter Manager's lifecycle events. Exit status 0 when the walkthrough filter unloaded clean.
 *
 * <p>Thread safety: confined to the thread picocli runs it on.
 */
@Command(
    name = "walkthrough",
    mixinStandardHelpOptions = true,
    description = {
      "Show a stream context's reference count, step by step.",
      "Creates, reads, cleans up and closes one file with a filter that allocates a stream context"
          + " in pre-create, sets it in post-create and gets it in pre-read and pre-cleanup; prints"
          + " one row per step: the callback, the Flt routine and the reference count after it."
    })
public final class WalkthroughCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin FileSystemOptions fileSystem = new FileSystemOptions();

  @Mixin HtmlOption html = new HtmlOption();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    FileSystemDriver fs;
    try {
      fs = fileSystem.fileSystems(ClosePolicy.IMMEDIATE, Invocation.of(spec)).get();
    } catch (UserFileSystemLoader.UnusableException e) {
      return FileSystemOptions.refuse(spec.commandLine(), e);
    }
    if (!html.start(spec, ContextRecorder.Axis.EVENT)) {
      return ExitStatus.OUTPUT;
    }
    RefCountWalkthrough.Result r = RefCountWalkthrough.run(fs, html.observer());
    out.println(String.format("%-15s %-20s %s", "Callback", "Flt routine", "Refcount").stripTrailing());
    for (RefCountWalkthrough.Row row : r.rows()) {
      out.println(row.format());
    }
    out.flush();
    return html.finish(
        spec, r.unloadReport().clean() ? 0 : 1, rec -> Reports.walkthrough(HtmlOption.title(spec), rec, fs, r));
  }
}
