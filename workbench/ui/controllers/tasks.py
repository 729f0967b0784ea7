"""Tasks and jobs: the Understand and Generate panels' Run, the jobs they make, partial results
on the timeline, the Generated list and its flows, the Models dialog: the task controller."""
from __future__ import annotations

import os
import weakref

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from workbench.tasks.plan import NothingToRun, labels_for, ranges_for
from workbench.tasks.teach import recipes, review
from workbench.tasks.understand import trained
from workbench.ui.controllers.base import Controller
from workbench.ui.jobs import Job


class TaskController(Controller):
    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.trainings = weakref.WeakKeyDictionary()     # document -> its last training job
        # model folder -> {another document: its answers tracks' ids}: Retrain reads them too
        self.answered_elsewhere: dict[str, weakref.WeakKeyDictionary] = {}
        self.retrains = weakref.WeakValueDictionary()    # id -> a job Retrain made (not a new training)
        self._recalled = weakref.WeakKeyDictionary()     # document -> (what it was, its remembered training)

    def generate(self, spec, params: dict, where: str = "cursor", model: str = ""):
        """Queue a Generate task; its clip lands at the cursor, on a new track or in place of the
        selection (``where``), remembered for next time."""
        doc = self.ctx.document
        params = self._checked(spec, params) if doc is not None else None
        if params is None:
            return None
        if where == "replace selection" and not doc.selection:
            self.window.show_status("Select the audio to replace first (or put the clip at the cursor)")
            return None
        self.window.settings.generate_where = where
        checking = spec.speaks_text and self.window.generated_dock.check_new.isChecked()
        reads = spec.reads_selection and doc.selection and doc.selection[1] > doc.selection[0]
        job = Job(spec, params, model, device=self.window.settings.device, doc=doc,
                  ranges=[(doc.cursor, doc.cursor)], where="dock" if checking else where,
                  selection=tuple(doc.selection) if reads else None)
        self.window.job_queue.submit(job)
        if checking:       # the clips wait in the list until checked; the clearest is placed
            from workbench.ui.asyncloop import start

            job.flow = start(self.check_and_place(job, where))
        return job

    # -- the Generated list ------------------------------------------------------------------
    def _job_generated(self, job, result, sources) -> None:
        for output, source in zip(result.audio, sources):
            job.entries.append(self.window.generated_dock.add(
                output, source, job.spec, output.provenance.get("params", job.params), job.model))
        if not self.window.generated_dock.isVisible():
            # a tab of the side panel; in front only when the list is where the clip went
            self.ctx.view.show_dock("generated", True, front=job.where == "dock")

    def insert_generated(self, entry, where: str = "cursor"):
        """An entry of the Generated list onto the current document (one undo step)."""
        from workbench.tasks.apply import apply_result
        from workbench.tasks.events import TaskResult

        doc = self.ctx.document
        if doc is None:
            return None
        if where == "replace selection" and not doc.selection:
            self.window.show_status("Select the audio to replace first (or put the clip at the cursor)")
            return None
        output = type(entry.output)(entry.output.name, entry.output.samples, entry.output.rate,
                                    entry.output.provenance)      # one piece, placed by ``where``
        made = apply_result(doc, TaskResult(audio=[output]), where, f"Insert “{output.name}”",
                            sources=[entry.source])
        self.window.show_status(f"“{output.name}” on “{made[0].name}” at {made[0].clips[-1].start:.3f} s"
                         if made and made[0].clips else f"“{output.name}” inserted")
        return made

    def drop_generated(self, entry_id: int, t: float, track) -> None:
        """An entry dragged from the Generated list onto the timeline: at that time on that track
        where it fits, else on a new track."""
        from workbench.tasks.apply import clip_for

        entry = self.window.generated_dock.entries.get(entry_id)
        doc = self.ctx.document
        if entry is None or doc is None:
            return
        clip = clip_for(entry.output, source=entry.source)
        landed = doc.drop_clip(clip, t, track.id if track is not None else None, f"Insert “{clip.name}”")
        self.window.show_status(f"“{clip.name}” on “{landed.name}” at {t:.3f} s")

    def generate_again(self, entry):
        """The entry's task and settings again with a seed not used yet in the list."""
        import random

        used = {e.params.get("seed") for e in self.window.generated_dock.entries.values()}
        seed = random.randrange(2 ** 31 - 1)
        while seed in used:
            seed = random.randrange(2 ** 31 - 1)
        params = dict(entry.params)
        if "seed" in params:
            params["seed"] = seed
        params["variations"] = 1 if "variations" in params else params.get("variations")
        params = {k: v for k, v in params.items() if v is not None}
        return self.generate(entry.spec, params, self.window.settings.generate_where, entry.model)

    # -- flows: coroutines awaiting jobs (qasync) ------------------------------------------------
    async def check_and_place(self, job, where: str):
        """Generate N, check each, show the best: awaits the Generate job, then one check job per
        clip; the clearest is selected in the list and put where the user asked."""
        await self.window.job_queue.wait(job)
        if job.state != "done" or not job.entries:
            return None
        for entry in list(job.entries):
            if await self.check_speech(entry) is None:
                return None        # a check failed or was cancelled: its message says why
        dock = self.window.generated_dock
        best = min(job.entries, key=lambda e: e.output.provenance.get("wer", float("inf")))
        dock.sort.setCurrentIndex(dock.sort.findData("wer"))
        dock.select(best.id)
        if where != "dock" and job.doc is self.ctx.document:
            self.insert_generated(best, where)
        wer = best.output.provenance["wer"]
        of = f"the clearest of {len(job.entries)}" if len(job.entries) > 1 else "checked"
        self.window.show_status(f"{job.spec.title}: {of}: “{best.output.name}”, {wer * 100:.0f}% word errors "
                         f"(heard “{best.output.provenance.get('heard', '')[:60]}”)")
        return best

    async def check_speech(self, entry) -> float | None:
        """Transcribe a generated speech clip (a job like any other) and put its word error rate
        against the text on the entry; None when the check did not finish."""
        from workbench.tasks.check import check_speech, recognizer

        text = entry.output.provenance.get("text") or entry.params.get("text", "")
        asr = self.window.generated_dock.asr_model.currentText().strip()
        device = self.window.settings.device
        job = Job(recognizer(), {}, asr, device=device, doc=self.ctx.document,
                  run=lambda cancelled: check_speech(entry.source, text, asr or None, cancelled, device))
        self.window.job_queue.submit(job)
        await self.window.job_queue.wait(job)
        if job.state != "done":
            return None
        wer, heard = job.result
        self.window.generated_dock.set_wer(entry, wer, heard)
        return wer

    def check_generated(self, entry):
        from workbench.ui.asyncloop import start

        return start(self.check_speech(entry))

    def use_generated_settings(self, entry) -> None:
        self.window.generate_panel.set_values(entry.spec.id, entry.params, entry.model)
        self.window.generate_panel.show()
        self.window.generate_panel.raise_()
        self.window.show_status(f"The Generate form holds the settings of “{entry.output.name}”")

    def _checked(self, spec, params: dict) -> dict | None:
        """The parameters parsed and range-checked, or None (and why, in the status bar)."""
        try:
            return spec.parse_params(params)
        except ValueError as exc:
            self.window.show_status(str(exc))
            return None

    def run_task(self, spec, params: dict, what: str = "file", model: str = "", channel: str = "mix"):
        """Queue a task on the current document: the whole file, the selection, each region of a
        label track, or label tracks themselves ("labels", "labels:<id>": a task that reads
        them).  Returns the job (None when there is nothing to run on)."""
        doc = self.ctx.document
        if doc is None:
            return None
        try:
            ranges = [] if what.startswith("labels") else ranges_for(doc, what)
            labels = labels_for(doc, what) if what.startswith("labels") else []
        except NothingToRun as exc:
            self.window.show_status(str(exc))
            return None
        params = self._checked(spec, params)
        if params is None:
            return None
        job = self.window.job_queue.submit(Job(spec, params, model, device=self.window.settings.device,
                                               channel=channel, doc=doc, ranges=ranges, labels=labels))
        self.window.show_status(f"{spec.title}: queued" if job.state == "queued" else f"{spec.title}: running")
        return job

    def _tab_of(self, doc):
        return next((t for t in self.window.all_tabs() if t.document is doc), None)

    def _job_partial(self, job, regions) -> None:
        if job.run is not None:      # a check's transcript is not the user's: no preview lane
            return
        tab = self._tab_of(job.doc)
        if tab is not None:
            tab.timeline.set_preview(id(job), job.spec.output_track, regions)

    def _job_finished(self, job) -> None:
        if job.run is not None:        # a helper job (a check): its flow reports; failures are shown
            if job.state == "failed":
                self.window.notify(QMessageBox.Icon.Warning, f"{job.spec.title} failed", job.error, job.details)
            return
        tab = self._tab_of(job.doc)
        if tab is not None:
            tab.timeline.clear_preview(id(job))
        if job.state == "done" and job.track_id is not None and job.doc.label_track(job.track_id).scores is not None:
            self.window.scores_dock.show()                 # its threshold can move now: show where
            self.window.scores_dock.raise_()
            if self.window.current_tab() is tab:
                self.window.scores_dock.show_track(job.track_id)
        if job.state == "done" and job.spec.view == "transcript":
            self.window.transcript_dock.show()
            self.window.transcript_dock.raise_()
            if self.window.current_tab() is tab:       # the new transcript, not the track shown before
                self.window.transcript_dock.show_track(job.track_id)
        for output in getattr(job.result, "models", ()) if job.state == "done" else ():
            self.trainings[job.doc] = job          # Retrain (the Review panel) does it again
            self._remember_training(job)           # and after the projects close
            self.show_trained(output, job.spec)
        if job.state == "done" and job.track_id is not None and trained.is_head(job.model):
            self.window.review_dock.set_document(job.doc)   # its guesses, least confident first
            self.window.ctx.view.show_dock("review", True)
        if job.state == "done" and job.spec.kind == "render" and not job.made:
            self.window.show_status(f"{job.spec.title}: in the Generated list (drag it onto a track, or Insert)")
        elif job.state == "done" and job.spec.kind == "render":
            names = ", ".join(f"“{t.name}”" for t in dict.fromkeys(job.made))
            where = "" if job.selection else f" at {job.doc.cursor:.3f} s"
            self.window.show_status(f"{job.spec.title}:{where} on {names}")
        elif job.state == "done" and job.track_id is None:     # it wrote no track (enrolled voices)
            said = list(dict.fromkeys(job.notes))
            more = f" (and {len(said) - 3} more)" if len(said) > 3 else ""
            self.window.show_status(f"{job.spec.title}: {'; '.join(said[-3:]) or 'done'}{more}")
        elif job.state == "done":
            self.window.show_status(f"{job.spec.title}: {job.found} regions on “{job.doc.label_track(job.track_id).name}”")
        elif job.state == "failed":
            box = self.window.notify(QMessageBox.Icon.Warning, f"{job.spec.title} failed", job.error, job.details)
            if job.out_of_memory and job.device != "cpu":
                box.cpu_button = box.addButton("Run on the CPU", QMessageBox.ButtonRole.AcceptRole)
                box.cpu_button.clicked.connect(lambda: self._rerun_on_cpu(job))
        elif job.state == "cancelled" and job.found_so_far and job.doc in [t.document for t in self.window.all_tabs()]:
            self._offer_partial(job)
        elif job.state == "cancelled":
            self.window.show_status(f"{job.spec.title}: cancelled, nothing changed")

    def show_trained(self, output, spec) -> None:
        """A model a task wrote (a classifier): its scores and confusion matrix, and a button that
        chooses the task that runs it."""
        from workbench.ui.dialogs.classifier import ClassifierResult

        view = ClassifierResult(output, self.window)
        view.setWindowModality(Qt.WindowModality.NonModal)
        view.use_requested.connect(self.use_model)
        view.share_requested.connect(lambda *asked: self.share_model(spec, *asked))
        self.window.messages.append(view)
        view.finished.connect(lambda *_: self.window.messages.remove(view) if view in self.window.messages else None)
        view.show()

    def _training_for(self, doc):
        """The training Retrain repeats from ``doc``: its own last one, else the newest training
        of another open document (a model trained there, reviewed here), else one remembered
        from before (trained or reviewed in this project, the projects since closed)."""
        if doc in self.trainings:
            return self.trainings[doc]
        open_docs = self._open_docs()
        others = [job for d, job in self.trainings.items() if d in open_docs]
        if others:
            return max(others, key=lambda job: job.started)
        return self._remembered(doc)

    def _open_docs(self) -> list:
        return [t.document for t in self.window.all_tabs()]

    def _open_at(self, path):
        return next((d for d in self._open_docs() if recipes.same_file(getattr(d, "path", None), path)), None)

    def _remembered(self, doc):
        """A Train job rebuilt from the recipe remembered for this project (its home, or a
        project that answered it) or for a model whose guesses or answers it holds."""
        from workbench.tasks import registry

        # asked on every label edit (the Review panel): read again only when something changed
        key = (doc.history.top_id, doc.history.index, str(doc.path), recipes.stamp(),
               tuple(map(id, self._open_docs())))
        hit = self._recalled.get(doc)
        if hit is not None and hit[0] == key:
            return hit[1]
        recipe = recipes.find(getattr(doc, "path", None), review.models_in(doc))
        job = None
        if recipe is not None:
            home = self._open_at(recipe.home) or doc
            names = list(recipe.tracks) if home is not doc or recipes.same_file(doc.path, recipe.home) else []
            names += [n for p, ns in recipe.answered.items() if recipes.same_file(p, doc.path) for n in ns]
            try:
                spec = registry.get(recipe.task)
            except KeyError:                  # a task this version does not have
                spec = None
            job = spec and Job(spec, dict(recipe.params), recipe.model, recipe.device, doc=home,
                               labels=[(n, []) for n in dict.fromkeys(names)], output=recipe.folder)
        self._recalled[doc] = (key, job)
        return job

    @staticmethod
    def _folder(job) -> str:
        models = getattr(job.result, "models", None)
        return models[0].folder if models else job.output

    def learns_from(self, doc) -> set:
        """The names of the label tracks the training Retrain repeats read."""
        last = self._training_for(doc)
        return {name for name, _ in last.labels} if last is not None else set()

    def can_retrain(self, doc) -> bool:
        return doc is not None and self._training_for(doc) is not None

    def retrain(self, doc, answers_id=None) -> None:
        """The last training again, with the same settings and model folder, reading the tracks it
        read and the answers track (never a track of guesses).  Answers given in another
        document (the model run over a second recording there) are read with that document's
        audio, on this retrain and the ones after it: from the open document, or from its
        project file once it is closed (the recipe remembered in the data folder)."""
        last = self._training_for(doc)
        if last is None:
            self.window.show_status("Train a classifier on this project first")
            return
        home, folder = last.doc, self._folder(last)
        if doc is not home and answers_id is not None:
            elsewhere = self.answered_elsewhere.setdefault(folder, weakref.WeakKeyDictionary())
            elsewhere.setdefault(doc, set()).add(answers_id)
        names = {name for name, _ in last.labels}
        tracks = [t for t in home.label_tracks
                  if (t.name in names or (doc is home and t.id == answers_id)) and not review.is_guesses(t)]
        recipe = recipes.of_folder(folder)       # kept up to date with what this retrain reads
        if recipe is not None:
            recipe.note(getattr(home, "path", None), {t.name for t in tracks})
            if doc is not home and answers_id is not None:
                recipe.note(doc.path, {t.name for t in doc.label_tracks if t.id == answers_id}, answered=True)
            recipes.remember(recipe)
        more, files, file_tracks = self._elsewhere(last, folder, recipe)
        if not tracks and not more and not files:
            self.window.show_status("The tracks it learnt from are gone: choose tracks and Train again")
            return
        job = last.again(labels=[(t.name, list(t)) for t in tracks], audio=None, more_labels=more,
                         files=files, file_tracks=file_tracks, output=folder)
        self.retrains[id(job)] = job
        self.window.job_queue.submit(job)
        count = sum(map(len, tracks)) + sum(len(r) for _, _, labels in more for _, r in labels)
        projects = 1 + len(more) + len(files)
        self.window.show_status(f"{last.spec.title}: again, with {count} labels"
                                + (f" here and the labels of {len(files)} saved project(s)" if files else "")
                                + (f" from {projects} projects" if more and not files else ""))

    def _elsewhere(self, last, folder, recipe) -> tuple[list, list, dict]:
        """What Retrain reads besides the home document's tracks: the answers tracks of other
        open documents ([(name, audio, [(track name, regions)])]), and the project files, not
        open, that the recipe names (the home project, answered projects) with their tracks."""
        wanted: dict = {d: set(ids) for d, ids in self.answered_elsewhere.get(folder, {}).items()}
        files, file_tracks = [], {}
        places = ([(recipe.home, recipe.tracks)] if recipe and recipe.home else []) + \
            (list(recipe.answered.items()) if recipe else [])
        for path, names in places:
            if recipes.same_file(path, getattr(last.doc, "path", None)):
                continue                                # the home document: read above
            doc = self._open_at(path)
            if doc is not None:
                wanted.setdefault(doc, set()).update(t.id for t in doc.label_tracks if t.name in names)
            elif os.path.exists(path):
                files.append(path)
                file_tracks[path] = sorted(set(file_tracks.get(path, [])) | set(names))
        open_docs, more = self._open_docs(), []
        for doc, ids in wanted.items():
            if doc is last.doc or doc not in open_docs:
                continue
            tracks = [t for t in doc.label_tracks if t.id in ids and not review.is_guesses(t) and len(t)]
            if tracks:
                more.append((doc.title, doc.mix(), [(t.name, list(t)) for t in tracks]))
        return more, files, file_tracks

    def _remember_training(self, job) -> None:
        """A Train run from the form: a new recipe for its folder (a Retrain keeps the old one)."""
        if self.retrains.get(id(job)) is job:
            return
        recipes.remember(recipes.Recipe(self._folder(job), dict(job.params), job.spec.id, job.model or "",
                                        job.device, str(getattr(job.doc, "path", None) or ""),
                                        sorted({name for name, _ in job.labels})))

    def document_saved(self, doc) -> None:
        """A project saved (perhaps for the first time, or under a new name): the recipes of the
        models trained or answered in it now name its file."""
        if not doc.path:
            return
        read = []                                     # (model folder, track names, as answers)
        for job in [j for d, j in self.trainings.items() if d is doc]:
            read.append((self._folder(job), {n for n, _ in job.labels} & {t.name for t in doc.label_tracks}, False))
        for folder, docs in self.answered_elsewhere.items():
            ids = docs.get(doc, set())
            read.append((folder, {t.name for t in doc.label_tracks if t.id in ids}, True))
        for folder in review.models_in(doc):           # answers given here (each names its model)
            read.append((folder, {t.name for t in doc.label_tracks if any(
                review.is_answer(r) and dict(r.origin).get("model") == folder for r in t)}, True))
        for folder in dict.fromkeys(f for f, _, _ in read):
            recipe = recipes.of_folder(folder)
            if recipe is not None:
                for names, answered in [(n, a) for f, n, a in read if f == folder]:
                    recipe.note(doc.path, names, answered)
                recipes.remember(recipe)

    def share_model(self, spec, folder: str, repo: str, token: str, private: bool):
        """Upload a model folder that ``spec`` made to the Hub (the user asked, with their token):
        a job like any other, with progress and Cancel; the status bar says where it went."""
        from workbench.tasks.teach.share import share
        from workbench.ui.asyncloop import start

        job = Job(spec, {}, "", doc=self.ctx.document,
                  run=lambda cancelled: share(folder, repo, token or None, private, cancelled=cancelled))
        self.window.job_queue.submit(job)
        job.flow = start(self._shared(job, repo))
        return job

    async def _shared(self, job, repo: str) -> None:
        await self.window.job_queue.wait(job)
        if job.state == "done":
            self.window.show_status(f"Shared as {repo}: {job.result}")

    def choose_task(self, panel_name: str, task_id: str) -> None:
        """The Tasks menu: the panel in front with ``task_id`` chosen, its form ready."""
        panel = self.window.understand_panel if panel_name == "understand" else self.window.generate_panel
        self.ctx.view.show_dock(panel_name, True)
        panel.set_values(task_id, {})
        panel.setFocus()

    def use_model(self, task_id: str, folder: str) -> None:
        """Choose ``task_id`` in the Understand panel with ``folder`` as its model."""
        panel = self.window.understand_panel
        panel.set_values(task_id, {}, folder)
        panel.show()
        panel.raise_()
        from workbench.tasks import registry

        self.window.show_status(f"{registry.get(task_id).title} will use {folder}: choose what it runs "
                                f"on, then Run")

    def _offer_partial(self, job) -> None:
        """A long job cancelled part way: what it found so far is kept if the user says so, as
        its own undo step (nothing is added without asking)."""
        n = len(job.found_so_far)
        box = self.window.notify(QMessageBox.Icon.Question, f"{job.spec.title} cancelled",
                          f"{job.spec.title} was cancelled at {job.fraction * 100:.0f}%. Keep the {n} "
                          f"region{'s' if n != 1 else ''} it found so far?")
        box.setStandardButtons(QMessageBox.StandardButton.Discard)
        box.keep_button = box.addButton(f"Keep {n}", QMessageBox.ButtonRole.AcceptRole)

        def keep():
            doc = job.doc
            name = doc.free_name(f"{job.spec.output_track} (part)")
            with doc.history.group(f"{job.spec.title}: keep {n} regions found before Cancel"):
                doc.add_label_track(name, list(job.found_so_far))
            self.window.show_status(f"Kept {n} regions on “{name}”")

        box.keep_button.clicked.connect(keep)

    def _rerun_on_cpu(self, job) -> None:
        """The same task, settings and ranges, on the CPU (offered when the GPU ran out of memory)."""
        if job.doc not in [t.document for t in self.window.all_tabs()]:
            return
        self.window.job_queue.submit(job.again(device="cpu", audio=None))   # a Generate job lands alike
        self.window.show_status(f"{job.spec.title}: running again on the CPU")

    def show_models(self) -> None:
        from workbench.ui.dialogs.models import ModelsDialog

        dialog = ModelsDialog(self.window)
        self._models_dialog = dialog
        dialog.open()
