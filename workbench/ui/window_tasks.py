"""Tasks and jobs: the Understand panel's Run, the Jobs dock, partial results on the timeline,
the transcript view, the Models dialog: the MainWindow's task handlers (a mixin)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from workbench.tasks.plan import NothingToRun, ranges_for
from workbench.ui.jobs import Job


class TasksMixin:
    def toggle_understand(self, on: bool) -> None:
        self.understand_panel.setVisible(on)

    def toggle_transcript(self, on: bool) -> None:
        self.transcript_dock.setVisible(on)
        if on:
            self.transcript_dock.raise_()

    def toggle_generate(self, on: bool) -> None:
        self.generate_panel.setVisible(on)

    def generate(self, spec, params: dict, where: str = "cursor", model: str = "", _channel: str = ""):
        """Queue a Generate task; its clip lands at the cursor, on a new track or in place of the
        selection (``where``), remembered for next time."""
        doc = self._doc()
        params = self._checked(spec, params) if doc is not None else None
        if params is None:
            return None
        if where == "replace selection" and not doc.selection:
            self.show_status("Select the audio to replace first (or put the clip at the cursor)")
            return None
        self.settings.generate_where = where
        reads = spec.extra.get("reads_selection") and doc.selection and doc.selection[1] > doc.selection[0]
        job = Job(spec, doc, params, [(doc.cursor, doc.cursor)], model, device=self.settings.device,
                  where=where, selection=tuple(doc.selection) if reads else None)
        return self.job_queue.submit(job)

    def _checked(self, spec, params: dict) -> dict | None:
        """The parameters parsed and range-checked, or None (and why, in the status bar)."""
        try:
            return spec.parse_params(params)
        except ValueError as exc:
            self.show_status(str(exc))
            return None

    def toggle_jobs(self, on: bool) -> None:
        self.jobs_dock.setVisible(on)

    def run_task(self, spec, params: dict, what: str = "file", model: str = "", channel: str = "mix"):
        """Queue a task on the current document: the whole file, the selection, or each region
        of a label track.  Returns the job (None when there is nothing to run on)."""
        doc = self._doc()
        if doc is None:
            return None
        try:
            ranges = ranges_for(doc, what)
        except NothingToRun as exc:
            self.show_status(str(exc))
            return None
        params = self._checked(spec, params)
        if params is None:
            return None
        if not self.jobs_dock.isVisible():
            self.jobs_dock.show()
            self.resizeDocks([self.jobs_dock], [120], Qt.Orientation.Vertical)
        job = self.job_queue.submit(Job(spec, doc, params, ranges, model, channel, device=self.settings.device))
        self.show_status(f"{spec.title}: queued" if job.state == "queued" else f"{spec.title}: running")
        return job

    def _tab_of(self, doc):
        return next((t for t in self.all_tabs() if t.document is doc), None)

    def _job_partial(self, job, regions) -> None:
        tab = self._tab_of(job.doc)
        if tab is not None:
            tab.timeline.set_preview(id(job), job.spec.output_track, regions)

    def _job_finished(self, job) -> None:
        tab = self._tab_of(job.doc)
        if tab is not None:
            tab.timeline.clear_preview(id(job))
        if job.state == "done" and job.spec.output_track == "Transcript":
            self.transcript_dock.show()
            self.transcript_dock.raise_()
            if self.current_tab() is tab:       # the new transcript, not the track shown before
                self.transcript_dock.show_track(job.track_id)
        if job.state == "done" and job.spec.panel == "generate":
            names = ", ".join(f"“{t.name}”" for t in job.made)
            self.show_status(f"{job.spec.title}: a clip at {job.doc.cursor:.3f} s on {names}")
        elif job.state == "done":
            self.show_status(f"{job.spec.title}: {job.found} regions on “{job.doc.label_track(job.track_id).name}”")
        elif job.state == "failed":
            box = self.notify(QMessageBox.Icon.Warning, f"{job.spec.title} failed", job.error, job.details)
            if job.out_of_memory and job.device != "cpu":
                box.cpu_button = box.addButton("Run on the CPU", QMessageBox.ButtonRole.AcceptRole)
                box.cpu_button.clicked.connect(lambda: self._rerun_on_cpu(job))
        elif job.state == "cancelled" and job.found_so_far and job.doc in [t.document for t in self.all_tabs()]:
            self._offer_partial(job)
        elif job.state == "cancelled":
            self.show_status(f"{job.spec.title}: cancelled, nothing changed")

    def _offer_partial(self, job) -> None:
        """A long job cancelled part way: what it found so far is kept if the user says so, as
        its own undo step (nothing is added without asking)."""
        n = len(job.found_so_far)
        box = self.notify(QMessageBox.Icon.Question, f"{job.spec.title} cancelled",
                          f"{job.spec.title} was cancelled at {job.fraction * 100:.0f}%. Keep the {n} "
                          f"region{'s' if n != 1 else ''} it found so far?")
        box.setStandardButtons(QMessageBox.StandardButton.Discard)
        box.keep_button = box.addButton(f"Keep {n}", QMessageBox.ButtonRole.AcceptRole)

        def keep():
            doc = job.doc
            name = doc._free_name(f"{job.spec.output_track} (part)")
            with doc.history.group(f"{job.spec.title}: keep {n} regions found before Cancel"):
                doc.add_label_track(name, list(job.found_so_far))
            self.show_status(f"Kept {n} regions on “{name}”")

        box.keep_button.clicked.connect(keep)

    def _rerun_on_cpu(self, job) -> None:
        """The same task, settings and ranges, on the CPU (offered when the GPU ran out of memory)."""
        if job.doc not in [t.document for t in self.all_tabs()]:
            return
        again = Job(job.spec, job.doc, job.params, job.ranges, job.model, job.channel, device="cpu")
        self.job_queue.submit(again)
        self.show_status(f"{job.spec.title}: running again on the CPU")

    def show_models(self) -> None:
        from workbench.ui.dialogs.models import ModelsDialog

        dialog = ModelsDialog(self)
        self._models_dialog = dialog
        dialog.open()
