package io.tidemark.app;

import io.tidemark.app.admin.AdminBackend;
import io.tidemark.core.pipeline.CollectionPipeline;
import io.tidemark.core.pipeline.CollectionStatus;
import java.util.List;
import java.util.Optional;

/** The admin API's view of a running {@link Daemon}. */
public final class DaemonAdminBackend implements AdminBackend {
  private final Daemon daemon;

  public DaemonAdminBackend(Daemon daemon) {
    this.daemon = daemon;
  }

  @Override
  public String pipeline() {
    return daemon.config().pipeline();
  }

  @Override
  public List<CollectionStatus> status() {
    return daemon.status();
  }

  @Override
  public String scrapeMetrics() {
    return daemon.scrapeMetrics();
  }

  @Override
  public Optional<CollectionControl> collection(String name) {
    return daemon.engine().pipeline(name).map(PipelineControl::new);
  }

  private record PipelineControl(CollectionPipeline pipeline) implements CollectionControl {
    @Override
    public CollectionStatus status() {
      return pipeline.status();
    }

    @Override
    public void pause() {
      pipeline.pause();
    }

    @Override
    public void resume() {
      pipeline.resume();
    }

    @Override
    public boolean requestResnapshot() {
      return pipeline.requestResnapshot();
    }
  }
}
