"""SSH signatures: the verifier (sshsig), the verified-signature cache, signing through ssh-keygen."""
