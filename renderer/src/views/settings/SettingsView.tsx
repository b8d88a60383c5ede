// Settings: read-only server facts, then the form, validated before settings.update.
import { useEffect, useMemo, useState } from 'react';
import type { Settings } from '../../../../shared/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useAppData } from '../../state/app-data';
import { ServerInfoCard } from './ServerInfoCard';
import { SettingsForm } from './SettingsForm';
import { validateSettings } from './validate';

export function SettingsView() {
  const { info, infoError, settings, settingsError, saveSettings, reload, setTheme } = useAppData();
  const [draft, setDraft] = useState<Settings | null>(settings);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (settings && !draft) setDraft(settings);
  }, [settings, draft]);

  const errors = useMemo(() => (draft ? validateSettings(draft) : {}), [draft]);
  const invalid = Object.keys(errors).length > 0;
  const dirty = !!draft && !!settings && JSON.stringify(draft) !== JSON.stringify(settings);

  const save = () => {
    if (!draft || invalid) return;
    setSaving(true);
    setSaveError(null);
    saveSettings(draft).then(
      (next) => {
        setDraft(next);
        setSaving(false);
        setSaved(true);
        setTheme(next.ui.theme);
        if (next.ui.notifications && 'Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
        setTimeout(() => setSaved(false), 2000);
      },
      (e: unknown) => {
        setSaving(false);
        setSaveError(e);
      },
    );
  };

  return (
    <div className="page-scroll">
      <div className="settings" data-testid="settings">
        <h2>Settings</h2>
        <ErrorBanner error={infoError ?? settingsError} onRetry={reload} />
        {info ? <ServerInfoCard info={info} /> : null}
        {draft ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            <SettingsForm draft={draft} errors={errors} onChange={setDraft} />
            <div className="save-bar">
              <ErrorBanner error={saveError} compact />
              {invalid ? <span className="field-error">Fix the fields marked above to save.</span> : null}
              {saved ? <span className="st-ok">Saved</span> : null}
              <div className="tabs-spacer" />
              <button type="button" className="btn ghost" disabled={!dirty || saving} onClick={() => settings && setDraft(settings)}>
                Discard
              </button>
              <button type="submit" className="btn primary" disabled={!dirty || invalid || saving} data-testid="save-settings">
                {saving ? 'Saving…' : 'Save'}
              </button>
            </div>
          </form>
        ) : !settingsError ? (
          <div className="placeholder muted">Loading settings…</div>
        ) : null}
      </div>
    </div>
  );
}
