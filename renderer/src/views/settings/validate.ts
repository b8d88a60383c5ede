// Validation of the settings form: the rules the server applies (shared/settings-rules.ts),
// keyed by a field path ("smtp.maxLineLength"), so that the form shows each next to its field.
export { settingsErrors as validateSettings, type SettingsErrors as Errors } from '../../../../shared/settings-rules';
