# Python's imaplib against mailtap: prints what it got as JSON, for the test to check against
# the API. Usage: imaplib.py PORT USER
import imaplib, json, sys

port, user = int(sys.argv[1]), sys.argv[2]
out = {}
M = imaplib.IMAP4('127.0.0.1', port)
out['capability'] = M.capabilities and sorted(c for c in M.capabilities)
out['login'] = M.login(user, 'anything')[0]
out['select'] = M.select('INBOX')[1][0].decode()
typ, d = M.search(None, 'SUBJECT', 'ketchup')
out['search_subject'] = d[0].decode()
typ, d = M.uid('SEARCH', None, 'ALL')
out['uids'] = d[0].decode().split()
typ, d = M.fetch('1:*', '(UID RFC822.SIZE ENVELOPE BODYSTRUCTURE)')
out['fetch'] = [x.decode('latin1') if isinstance(x, bytes) else [y.decode('latin1') for y in x] for x in d]
typ, d = M.uid('FETCH', out['uids'][0], '(BODY.PEEK[])')
out['body0'] = d[0][1].decode('latin1')
out['store'] = M.store('1', '+FLAGS', '(\\Seen \\Flagged)')[1][0].decode()
out['copy'] = M.copy('2', 'Archive')[1][0].decode()
M.store('2', '+FLAGS', '(\\Deleted)')
out['expunge'] = [x.decode() for x in M.expunge()[1] if x]
out['status'] = M.status('Archive', '(MESSAGES UIDNEXT)')[1][0].decode()
out['close'] = M.close()[0]
out['logout'] = M.logout()[0]
print(json.dumps(out))
