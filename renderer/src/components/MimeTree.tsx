// The MIME structure drawn as a tree with connector lines. Each node shows its section path,
// content type, transfer encoding, charset, size and filename.
import type { MimeNode } from '../../../shared/types';
import { formatBytes } from '../lib/format';
import { FileIcon, PaperclipIcon } from './Icons';

export function MimeTree({ root, selected, onSelect }: { root: MimeNode; selected: string | null; onSelect: (path: string) => void }) {
  return (
    <ul className="mtree" role="tree" aria-label="MIME structure" data-testid="mime-tree">
      <MimeTreeNode node={root} selected={selected} onSelect={onSelect} />
    </ul>
  );
}

function MimeTreeNode({ node, selected, onSelect }: { node: MimeNode; selected: string | null; onSelect: (path: string) => void }) {
  const multipart = node.contentType.startsWith('multipart/');
  const attachment = node.disposition === 'attachment' || (!!node.filename && !multipart);
  return (
    <li role="treeitem" aria-expanded={node.children.length ? true : undefined} aria-selected={selected === node.path}>
      <button
        type="button"
        className={`mnode${selected === node.path ? ' selected' : ''}${multipart ? ' multipart' : ''}`}
        data-testid="mime-node"
        data-path={node.path}
        data-type={node.contentType}
        onClick={() => onSelect(node.path)}
      >
        <span className="mnode-path mono">{node.path || 'root'}</span>
        {attachment ? <PaperclipIcon size={12} /> : multipart ? null : <FileIcon size={12} />}
        <span className="mnode-type mono">{node.contentType}</span>
        {node.transferEncoding ? <span className="chip">{node.transferEncoding}</span> : null}
        {node.charset ? <span className="chip">{node.charset}</span> : null}
        {node.disposition ? <span className="chip">{node.disposition}</span> : null}
        {node.filename ? <span className="mnode-file">{node.filename}</span> : null}
        {node.contentId ? <span className="chip muted" title="Content-ID">cid</span> : null}
        <span className="mnode-size muted mono">{multipart ? `${node.children.length} parts` : formatBytes(node.size)}</span>
      </button>
      {node.children.length ? (
        <ul role="group">
          {node.children.map((c) => (
            <MimeTreeNode key={c.path} node={c} selected={selected} onSelect={onSelect} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
